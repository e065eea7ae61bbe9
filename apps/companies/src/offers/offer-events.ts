import { InternshipPosted, InternshipUpdated, InternshipWithdrawn } from '@tremplin/contracts';
import type { InternshipOffer, WithdrawalReason } from './internship-offer.entity';
import type { InternshipOfferPeriod } from './internship-offer-period.entity';

/**
 * The events of an offer. Matching sees each (offer, period) as one offer (DESIGN.md, "Runs"),
 * and the v1 events carry one period and its seats: so each period is one internship on the
 * wire, `internshipId` being the period's id. What v1 cannot carry yet stays in this service:
 * specialties, levels, further ROME codes (the first is `romeCode`), the description, the
 * coordinates, the schedule and its minors' check, the named schools (UAIs, where v1 wants
 * school ids).
 */
function snapshot(offer: InternshipOffer, period: InternshipOfferPeriod) {
  return {
    internshipId: period.id,
    companyId: offer.companyId,
    academy: offer.academy,
    title: offer.title,
    diplomas: offer.diplomas,
    romeCode: offer.romeCodes[0],
    period: { startDate: period.startDate, endDate: period.endDate },
    seats: period.seats,
    communeCode: offer.communeCode,
    reservedForPriority: offer.reservedForPriority,
    involvesRegulatedWork: offer.involvesRegulatedWork,
  };
}

export const posted = (offer: InternshipOffer, period: InternshipOfferPeriod) =>
  InternshipPosted.of(snapshot(offer, period));

export const updated = (offer: InternshipOffer, period: InternshipOfferPeriod) =>
  InternshipUpdated.of(snapshot(offer, period));

export const withdrawn = (
  offer: InternshipOffer,
  period: InternshipOfferPeriod,
  reason: WithdrawalReason,
) =>
  InternshipWithdrawn.of({
    internshipId: period.id,
    companyId: offer.companyId,
    academy: offer.academy,
    reason,
  });
