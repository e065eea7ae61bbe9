import type { OfferFields } from './post-offer/post-offer';

/** The fields given, as plain values (nested DTOs copied field by field), the others left out. */
export function toFields(dto: Partial<OfferFields>): Partial<OfferFields> {
  const fields: Partial<OfferFields> = {};
  const copy = <K extends keyof OfferFields>(key: K, value: OfferFields[K] | undefined) => {
    if (value !== undefined) fields[key] = value;
  };
  copy('title', dto.title);
  copy('description', dto.description);
  copy('romeCodes', dto.romeCodes);
  copy('diplomas', dto.diplomas);
  copy('specialties', dto.specialties);
  copy('levels', dto.levels);
  copy(
    'periods',
    dto.periods?.map(({ startDate, endDate, seats }) => ({ startDate, endDate, seats })),
  );
  copy(
    'place',
    dto.place && {
      communeCode: dto.place.communeCode,
      latitude: dto.place.latitude,
      longitude: dto.place.longitude,
    },
  );
  copy(
    'schedule',
    dto.schedule && {
      days: dto.schedule.days,
      start: dto.schedule.start,
      end: dto.schedule.end,
      breakMinutes: dto.schedule.breakMinutes,
    },
  );
  copy('involvesRegulatedWork', dto.involvesRegulatedWork);
  copy('reservedForPriority', dto.reservedForPriority);
  copy('reservedForSchools', dto.reservedForSchools);
  return fields;
}
