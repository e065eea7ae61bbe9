import { ApiPropertyOptional } from '@nestjs/swagger';
import { LEVELS, type Level } from '@tremplin/contracts';
import { mapPage, Page, PageQuery, scopedRepository, UseCaseContext } from '@tremplin/platform';
import { IsIn, IsOptional, IsUUID, Matches } from 'class-validator';
import { In } from 'typeorm';
import { SCHOOL_YEAR_PATTERN } from './class-rules';
import { ClassView, toClassView } from './class.view';
import { PfmpPeriod } from './pfmp-period.entity';
import { SchoolClass } from './school-class.entity';

/** `?offset=&limit=&schoolId=&schoolYear=&level=` */
export class ListClassesQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only the classes of this school' })
  @IsOptional()
  @IsUUID()
  schoolId?: string;

  @ApiPropertyOptional({ example: '2026-2027' })
  @IsOptional()
  @Matches(SCHOOL_YEAR_PATTERN, { message: '$property must look like 2026-2027' })
  schoolYear?: string;

  @ApiPropertyOptional({ enum: LEVELS })
  @IsOptional()
  @IsIn(LEVELS)
  level?: Level;
}

/**
 * The classes in the caller's scope, a page at a time, oldest first, each with its PFMP
 * periods: an office manager, a school head or a teacher sees those of their schools.
 */
export async function listClasses(
  context: UseCaseContext,
  query: ListClassesQuery,
): Promise<Page<ClassView>> {
  const where: Partial<Pick<SchoolClass, 'schoolId' | 'schoolYear' | 'level'>> = {};
  if (query.schoolId) where.schoolId = query.schoolId;
  if (query.schoolYear) where.schoolYear = query.schoolYear;
  if (query.level) where.level = query.level;
  const page = await scopedRepository(context, SchoolClass, 'class').page(query, where);
  const periods =
    page.items.length === 0
      ? []
      : await scopedRepository(context, PfmpPeriod, 'PFMP period').find({
          classId: In(page.items.map((schoolClass) => schoolClass.id)),
        });
  return mapPage(page, (schoolClass) => toClassView(schoolClass, periods));
}

/** A class in the caller's scope with its PFMP periods, else NotFound. */
export async function getClass(context: UseCaseContext, id: string): Promise<ClassView> {
  const schoolClass = await scopedRepository(context, SchoolClass, 'class').getById(id);
  const periods = await scopedRepository(context, PfmpPeriod, 'PFMP period').find({
    classId: schoolClass.id,
  });
  return toClassView(schoolClass, periods);
}
