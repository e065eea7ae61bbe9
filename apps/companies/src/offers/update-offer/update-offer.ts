import { Injectable } from '@nestjs/common';
import type { IntegrationEvent } from '@tremplin/contracts';
import { Outbox } from '@tremplin/messaging';
import { InvalidTransition, scopedRepository, UseCase, UseCaseContext } from '@tremplin/platform';
import { InternshipOffer } from '../internship-offer.entity';
import { InternshipOfferPeriod } from '../internship-offer-period.entity';
import { checkScheduleForMinors } from '../minors-check';
import { posted, updated, withdrawn } from '../offer-events';
import { lockOffer } from '../offer-lock';
import { OfferView, toOfferView } from '../offer.view';
import { assertOfferRules, OfferFields } from '../post-offer/post-offer';

export interface UpdateOfferCommand {
  offerId: string;
  /** The fields that change; `periods`, when given, is the whole new list. */
  changes: Partial<OfferFields>;
}

/**
 * Changes an offer that is not withdrawn. New periods are matched to the current ones by their
 * first day (periods never overlap, so it is unique): a kept period keeps its id and its
 * internship on the wire (InternshipUpdated), a new one is InternshipPosted, a dropped one
 * InternshipWithdrawn (cancelled); every kept period is announced, with the offer's new state.
 */
@Injectable()
export class UpdateOffer implements UseCase<UpdateOfferCommand, OfferView> {
  constructor(private readonly outbox: Outbox) {}

  async execute(command: UpdateOfferCommand, context: UseCaseContext): Promise<OfferView> {
    const offers = scopedRepository(context, InternshipOffer, 'offer');
    const periodRows = scopedRepository(context, InternshipOfferPeriod, 'offer period');
    const current = await lockOffer(context, command.offerId);
    if (current.status === 'withdrawn')
      throw new InvalidTransition('offer', current.status, 'updated');
    const { periods, place, ...fields } = command.changes;
    const existing = await periodRows.find({ offerId: current.id });
    const schedule = fields.schedule ?? current.schedule;
    const regulated = fields.involvesRegulatedWork ?? current.involvesRegulatedWork;
    assertOfferRules({ periods: periods ?? existing, schedule });

    const offer = await offers.update(current.id, {
      ...fields,
      ...(place ?? {}),
      ...checkScheduleForMinors(schedule, regulated),
    });
    const events: IntegrationEvent[] = [];
    let kept = existing;
    if (periods) {
      kept = [];
      const byStart = new Map(existing.map((period) => [period.startDate, period]));
      for (const period of periods) {
        const same = byStart.get(period.startDate);
        byStart.delete(period.startDate);
        if (same) {
          kept.push(
            await periodRows.update(same.id, { endDate: period.endDate, seats: period.seats }),
          );
        } else {
          const added = await periodRows.insert({
            ...period,
            offerId: offer.id,
            siret: offer.siret,
            academy: offer.academy,
          });
          events.push(posted(offer, added));
          kept.push(added);
        }
      }
      for (const dropped of byStart.values()) {
        await periodRows.delete(dropped.id);
        events.push(withdrawn(offer, dropped, 'cancelled'));
      }
    }
    const fresh = new Set(events.map((event) => event.partitionKey()));
    for (const period of kept) if (!fresh.has(period.id)) events.push(updated(offer, period));
    await this.outbox.publish(context.manager, events);
    return toOfferView(offer, kept);
  }
}
