import { NotFound, scopedRepository, UseCaseContext } from '@tremplin/platform';
import { InternshipOffer } from './internship-offer.entity';

/**
 * The offer with this id in the caller's scope, locked until the transaction ends (else
 * NotFound), so that two changes of one offer (an update and a withdrawal, two updates of its
 * periods) run one after the other and each sees the other's result.
 */
export async function lockOffer(context: UseCaseContext, id: string): Promise<InternshipOffer> {
  const offer = await scopedRepository(context, InternshipOffer, 'offer')
    .createQueryBuilder('offer')
    .andWhere('offer.id = :id', { id })
    .setLock('pessimistic_write')
    .getOne();
  if (!offer) throw new NotFound('offer', id);
  return offer;
}
