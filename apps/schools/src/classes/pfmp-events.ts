import { PfmpPeriodCancelled, PfmpPeriodChanged, PfmpPeriodScheduled } from '@tremplin/contracts';
import type { PfmpPeriod } from './pfmp-period.entity';
import type { SchoolClass } from './school-class.entity';

/**
 * PfmpPeriodScheduled for a period of a class, keyed by the class (its periods keep their
 * order). What v1 cannot carry yet stays in this service: the class's specialty and famille de
 * métiers, its name, the school's UAI (v1 names the school by id).
 */
export const scheduled = (schoolClass: SchoolClass, period: PfmpPeriod) =>
  PfmpPeriodScheduled.of({
    periodId: period.id,
    classId: schoolClass.id,
    schoolId: schoolClass.schoolId,
    academy: schoolClass.academy,
    schoolYear: schoolClass.schoolYear,
    level: schoolClass.level,
    diploma: schoolClass.diploma,
    startDate: period.startDate,
    endDate: period.endDate,
    weeks: period.weeks,
  });

/** PfmpPeriodChanged for a period given new dates or weeks: the full current period. */
export const changed = (schoolClass: SchoolClass, period: PfmpPeriod) =>
  PfmpPeriodChanged.of({
    periodId: period.id,
    classId: schoolClass.id,
    schoolId: schoolClass.schoolId,
    academy: schoolClass.academy,
    schoolYear: schoolClass.schoolYear,
    level: schoolClass.level,
    diploma: schoolClass.diploma,
    startDate: period.startDate,
    endDate: period.endDate,
    weeks: period.weeks,
  });

/** PfmpPeriodCancelled for a period just cancelled (its reason and date set). */
export const cancelled = (schoolClass: SchoolClass, period: PfmpPeriod) =>
  PfmpPeriodCancelled.of({
    periodId: period.id,
    classId: schoolClass.id,
    schoolId: schoolClass.schoolId,
    academy: schoolClass.academy,
    startDate: period.startDate,
    endDate: period.endDate,
    reason: period.cancellationReason ?? 'other',
    cancelledAt: (period.cancelledAt ?? new Date()).toISOString(),
  });
