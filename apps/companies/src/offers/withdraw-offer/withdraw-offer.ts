import { Injectable } from '@nestjs/common';
import { Outbox } from '@tremplin/messaging';
import { InvalidTransition, scopedRepository, UseCase, UseCaseContext } from '@tremplin/platform';
import { InternshipOffer, WithdrawalReason } from '../internship-offer.entity';
import { InternshipOfferPeriod } from '../internship-offer-period.entity';
import { withdrawn } from '../offer-events';
import { lockOffer } from '../offer-lock';
import { OfferView, toOfferView } from '../offer.view';

export interface WithdrawOfferCommand {
  offerId: string;
  reason: WithdrawalReason;
}

/**
 * Withdraws an offer: no new proposals for any of its periods (one InternshipWithdrawn each).
 * The placements already made are matching's and stay; withdrawing twice is refused.
 */
@Injectable()
export class WithdrawOffer implements UseCase<WithdrawOfferCommand, OfferView> {
  constructor(private readonly outbox: Outbox) {}

  async execute(command: WithdrawOfferCommand, context: UseCaseContext): Promise<OfferView> {
    const offers = scopedRepository(context, InternshipOffer, 'offer');
    const current = await lockOffer(context, command.offerId);
    if (current.status === 'withdrawn')
      throw new InvalidTransition('offer', current.status, 'withdrawn');
    const offer = await offers.update(current.id, {
      status: 'withdrawn',
      withdrawalReason: command.reason,
    });
    const periods = await scopedRepository(context, InternshipOfferPeriod, 'offer period').find({
      offerId: offer.id,
    });
    await this.outbox.publish(
      context.manager,
      periods.map((period) => withdrawn(offer, period, command.reason)),
    );
    return toOfferView(offer, periods);
  }
}
