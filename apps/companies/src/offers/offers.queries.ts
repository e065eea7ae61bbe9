import { ApiPropertyOptional } from '@nestjs/swagger';
import { mapPage, Page, PageQuery, scopedRepository, UseCaseContext } from '@tremplin/platform';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { In } from 'typeorm';
import { InternshipOffer, OFFER_STATUSES, type OfferStatus } from './internship-offer.entity';
import { InternshipOfferPeriod } from './internship-offer-period.entity';
import { OfferView, toOfferView } from './offer.view';

/** `?offset=&limit=&status=&companyId=` */
export class ListOffersQuery extends PageQuery {
  @ApiPropertyOptional({ enum: OFFER_STATUSES })
  @IsOptional()
  @IsIn(OFFER_STATUSES)
  status?: OfferStatus;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only the offers of this company site' })
  @IsOptional()
  @IsUUID()
  companyId?: string;
}

/**
 * The offers in the caller's scope, a page at a time, oldest first: a company user sees its
 * company's (every site, when scoped by SIREN), an office manager those of the academy.
 */
export async function listOffers(
  context: UseCaseContext,
  query: ListOffersQuery,
): Promise<Page<OfferView>> {
  const where: Partial<Pick<InternshipOffer, 'status' | 'companyId'>> = {};
  if (query.status) where.status = query.status;
  if (query.companyId) where.companyId = query.companyId;
  const page = await scopedRepository(context, InternshipOffer, 'offer').page(query, where);
  const periods =
    page.items.length === 0
      ? []
      : await scopedRepository(context, InternshipOfferPeriod, 'offer period').find({
          offerId: In(page.items.map((offer) => offer.id)),
        });
  return mapPage(page, (offer) => toOfferView(offer, periods));
}

/** An offer in the caller's scope, else NotFound. */
export async function getOffer(context: UseCaseContext, id: string): Promise<OfferView> {
  const offer = await scopedRepository(context, InternshipOffer, 'offer').getById(id);
  const periods = await scopedRepository(context, InternshipOfferPeriod, 'offer period').find({
    offerId: offer.id,
  });
  return toOfferView(offer, periods);
}
