import { PfmpPeriodScheduled } from '@tremplin/contracts';
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
