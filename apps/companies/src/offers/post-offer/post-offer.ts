import { Injectable } from '@nestjs/common';
import type { Level } from '@tremplin/contracts';
import { Outbox } from '@tremplin/messaging';
import {
  NotAllowed,
  RuleViolated,
  scopedRepository,
  UseCase,
  UseCaseContext,
} from '@tremplin/platform';
import { Company } from '../../companies/company.entity';
import { InternshipOffer, type WeeklySchedule } from '../internship-offer.entity';
import { InternshipOfferPeriod } from '../internship-offer-period.entity';
import { posted } from '../offer-events';
import { PeriodInput, periodsProblem, scheduleProblem } from '../offer-rules';
import { OfferView, toOfferView } from '../offer.view';
import { checkScheduleForMinors } from '../minors-check';

export interface OfferPlace {
  communeCode: string;
  latitude: number;
  longitude: number;
}

/** What an offer says, as posted or changed. */
export interface OfferFields {
  title: string;
  description: string;
  romeCodes: string[];
  diplomas: string[];
  specialties: string[];
  levels: Level[];
  periods: PeriodInput[];
  place: OfferPlace;
  schedule: WeeklySchedule;
  involvesRegulatedWork: boolean;
  reservedForPriority: boolean;
  reservedForSchools: string[];
}

export interface PostOfferCommand extends OfferFields {
  companyId: string;
}

/** The rules of an offer's periods and schedule, for every door (the DTOs check them first). */
export function assertOfferRules(fields: Pick<OfferFields, 'periods' | 'schedule'>): void {
  const periods = periodsProblem(fields.periods);
  if (periods) throw new RuleViolated('periods', periods);
  const schedule = scheduleProblem(fields.schedule);
  if (schedule) throw new RuleViolated('schedule', schedule);
}

/**
 * Posts an offer of a company site (by a user of that company, or an office manager of its
 * academy): one InternshipPosted per period, through the outbox. A schedule no minor may work
 * is accepted, for adults only, and says why (minors-check.ts).
 */
@Injectable()
export class PostOffer implements UseCase<PostOfferCommand, OfferView> {
  constructor(private readonly outbox: Outbox) {}

  async execute(command: PostOfferCommand, context: UseCaseContext): Promise<OfferView> {
    const { manager } = context;
    const { companyId, periods, place, ...fields } = command;
    const company = await scopedRepository(context, Company, 'company').findOneBy({
      id: companyId,
    });
    if (!company) {
      // A company is public data (SIRENE): saying it lies outside the scope discloses nothing.
      if (await manager.exists(Company, { where: { id: companyId } }))
        throw new NotAllowed('You may not post an offer for a company outside your scope');
      throw new RuleViolated('companyId', `No company with id ${companyId}`);
    }
    assertOfferRules(command);
    const offer = await scopedRepository(context, InternshipOffer, 'offer').insert({
      ...fields,
      companyId: company.id,
      siret: company.siret,
      academy: company.academy,
      communeCode: place.communeCode,
      latitude: place.latitude,
      longitude: place.longitude,
      status: 'posted',
      withdrawalReason: null,
      ...checkScheduleForMinors(command.schedule, command.involvesRegulatedWork),
    });
    const rows = scopedRepository(context, InternshipOfferPeriod, 'offer period');
    const saved: InternshipOfferPeriod[] = [];
    for (const period of periods)
      saved.push(
        await rows.insert({
          ...period,
          offerId: offer.id,
          siret: offer.siret,
          academy: offer.academy,
        }),
      );
    await this.outbox.publish(
      manager,
      saved.map((period) => posted(offer, period)),
    );
    return toOfferView(offer, saved);
  }
}
