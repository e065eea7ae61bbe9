import { ApiProperty } from '@nestjs/swagger';
import { LEVELS, type Level } from '@tremplin/contracts';
import {
  type InternshipOffer,
  type MinorsReason,
  OFFER_STATUSES,
  type OfferStatus,
  WITHDRAWAL_REASONS,
  type WithdrawalReason,
} from './internship-offer.entity';
import type { InternshipOfferPeriod } from './internship-offer-period.entity';
import { PlaceDto, ScheduleDto } from './offer-input.dto';
import { hoursOf } from './offer-rules';

export class OfferPeriodView {
  /** What matching calls the internship: the (offer, period) pair, with its seats. */
  @ApiProperty({ format: 'uuid', description: 'The internshipId of this period in the events' })
  id: string;

  @ApiProperty({ example: '2027-01-11' })
  startDate: string;

  @ApiProperty({ example: '2027-02-05' })
  endDate: string;

  @ApiProperty({ example: 2 })
  seats: number;
}

export class MinorsReasonView implements MinorsReason {
  @ApiProperty({ example: 15 })
  age: number;

  @ApiProperty({
    example: 'night-work',
    description:
      "The minors' rule broken (the matching engine's names): regulated-work-age, daily-hours, weekly-hours, night-work, daily-rest, break, weekly-rest",
  })
  rule: string;
}

/** An internship offer as the API shows it. */
export class OfferView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  companyId: string;

  @ApiProperty({ example: '73282932000074' })
  siret: string;

  @ApiProperty({ example: '16' })
  academy: string;

  @ApiProperty({ example: 'Assistant(e) de maintenance informatique' })
  title: string;

  @ApiProperty()
  description: string;

  @ApiProperty({ example: ['I1401'] })
  romeCodes: string[];

  @ApiProperty({ example: ['40025214'] })
  diplomas: string[];

  @ApiProperty({ example: [] })
  specialties: string[];

  @ApiProperty({ enum: LEVELS, isArray: true })
  levels: Level[];

  @ApiProperty({ type: [OfferPeriodView] })
  periods: OfferPeriodView[];

  @ApiProperty({ type: PlaceDto })
  place: PlaceDto;

  @ApiProperty({ type: ScheduleDto })
  schedule: ScheduleDto;

  @ApiProperty({ example: 7 })
  dailyHours: number;

  @ApiProperty({ example: 35 })
  weeklyHours: number;

  @ApiProperty()
  involvesRegulatedWork: boolean;

  @ApiProperty()
  reservedForPriority: boolean;

  @ApiProperty({ example: ['0310001A'], description: 'UAIs; empty: every school' })
  reservedForSchools: string[];

  @ApiProperty({ enum: OFFER_STATUSES })
  status: OfferStatus;

  @ApiProperty({ enum: WITHDRAWAL_REASONS, nullable: true })
  withdrawalReason: WithdrawalReason | null;

  @ApiProperty({
    description: 'Some minor may work the schedule; false: the offer is for adults only',
  })
  minorsAllowed: boolean;

  @ApiProperty({ description: 'True when no minor may work the schedule' })
  adultsOnly: boolean;

  @ApiProperty({
    example: 16,
    description: 'Youngest age from which every age may work the schedule',
  })
  minimumAge: number;

  @ApiProperty({ type: [MinorsReasonView] })
  minorsReasons: MinorsReasonView[];

  @ApiProperty({ format: 'date-time' })
  createdAt: Date;

  @ApiProperty({ format: 'date-time' })
  updatedAt: Date;
}

export function toOfferView(offer: InternshipOffer, periods: InternshipOfferPeriod[]): OfferView {
  const { schedule } = offer;
  return {
    id: offer.id,
    companyId: offer.companyId,
    siret: offer.siret,
    academy: offer.academy,
    title: offer.title,
    description: offer.description,
    romeCodes: offer.romeCodes,
    diplomas: offer.diplomas,
    specialties: offer.specialties,
    levels: offer.levels,
    periods: periods
      .filter((period) => period.offerId === offer.id)
      .sort((a, b) => a.startDate.localeCompare(b.startDate))
      .map(({ id, startDate, endDate, seats }) => ({ id, startDate, endDate, seats })),
    place: { communeCode: offer.communeCode, latitude: offer.latitude, longitude: offer.longitude },
    schedule: {
      days: schedule.days,
      start: schedule.start,
      end: schedule.end,
      breakMinutes: schedule.breakMinutes,
    },
    ...hoursOf(schedule),
    involvesRegulatedWork: offer.involvesRegulatedWork,
    reservedForPriority: offer.reservedForPriority,
    reservedForSchools: offer.reservedForSchools,
    status: offer.status,
    withdrawalReason: offer.withdrawalReason,
    minorsAllowed: offer.minorsAllowed,
    adultsOnly: !offer.minorsAllowed,
    minimumAge: offer.minimumAge,
    minorsReasons: offer.minorsReasons,
    createdAt: offer.createdAt,
    updatedAt: offer.updatedAt,
  };
}
