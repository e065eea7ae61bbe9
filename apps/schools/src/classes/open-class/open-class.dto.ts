import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsCfd, LEVELS, type Level } from '@tremplin/contracts';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  ValidateBy,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import {
  levelProblem,
  PeriodInput,
  periodProblem,
  periodsProblem,
  SCHOOL_YEAR_PATTERN,
  schoolYearProblem,
} from '../class-rules';
import { PfmpPeriodDto } from '../schedule-pfmp-period/schedule-pfmp-period.dto';
import type { OpenClassCommand } from './open-class';

/** A rule of class-rules.ts on the whole body, reported on `field`. */
const BodyRule = (
  field: string,
  problem: (dto: OpenClassDto) => { field: string; message: string } | string | undefined,
) =>
  ValidateBy({
    name: `class-${field}`,
    validator: {
      validate: (_value, args) => {
        const found = problem(args?.object as OpenClassDto);
        return found === undefined || (typeof found !== 'string' && found.field !== field);
      },
      defaultMessage: (args) => {
        const found = problem(args?.object as OpenClassDto);
        return `${field}: ${typeof found === 'string' ? found : found?.message}`;
      },
    },
  });

/** The class's level rules, once the level itself is one of LEVELS. */
const levelRule = (dto: OpenClassDto) =>
  (LEVELS as readonly string[]).includes(dto.level) ? levelProblem(dto) : undefined;

/** The periods' school year and overlaps, once each period and the school year are well formed. */
function periodsRule(dto: OpenClassDto): string | undefined {
  const periods = dto.pfmpPeriods;
  if (!Array.isArray(periods) || schoolYearProblem(String(dto.schoolYear))) return undefined;
  // A period's own problem is reported on its own field (pfmpPeriods.0.endDate).
  const wellFormed = (period: unknown) =>
    period instanceof PfmpPeriodDto &&
    Number.isInteger(period.weeks) &&
    periodProblem(period) === undefined;
  if (!periods.every(wellFormed)) return undefined;
  return periodsProblem(periods as PeriodInput[], dto.schoolYear)?.message;
}

/** `POST /api/v1/classes` */
export class OpenClassDto {
  @ApiProperty({ format: 'uuid', description: 'The school (GET /api/v1/schools)' })
  @IsUUID()
  schoolId: string;

  @ApiProperty({ example: '2nde MRC A', description: 'Unique in its school and school year' })
  @IsString()
  @Length(1, 60)
  name: string;

  @ApiProperty({ example: '2026-2027', description: 'From 1 September to 31 August' })
  @Matches(SCHOOL_YEAR_PATTERN, { message: '$property must look like 2026-2027' })
  @BodyRule('schoolYear', (dto) =>
    SCHOOL_YEAR_PATTERN.test(String(dto.schoolYear))
      ? schoolYearProblem(dto.schoolYear)
      : undefined,
  )
  schoolYear: string;

  @ApiProperty({ example: '40025214', description: 'Code diplôme (CFD): 8 digits' })
  @IsCfd()
  diploma: string;

  @ApiProperty({ enum: LEVELS, example: 'bacpro-seconde' })
  @IsIn(LEVELS)
  level: Level;

  @ApiPropertyOptional({
    example: 'Métiers du commerce et de la vente',
    description: 'Required, except for a seconde by famille de métiers',
  })
  @ValidateIf(
    (dto: OpenClassDto) => dto.specialty !== undefined || levelRule(dto)?.field === 'specialty',
  )
  @IsString()
  @Length(1, 120)
  @BodyRule('specialty', levelRule)
  specialty?: string;

  @ApiPropertyOptional({
    example: 'Métiers de la relation client',
    description: 'Bac Pro seconde only (refused on any other level)',
  })
  @IsOptional()
  @IsString()
  @Length(1, 120)
  @BodyRule('familleDeMetiers', levelRule)
  familleDeMetiers?: string;

  @ApiPropertyOptional({
    type: [PfmpPeriodDto],
    description:
      'PFMP periods scheduled with the class: inside its school year, none overlapping another',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => PfmpPeriodDto)
  @BodyRule('pfmpPeriods', periodsRule)
  pfmpPeriods?: PfmpPeriodDto[];

  toCommand(): OpenClassCommand {
    return {
      schoolId: this.schoolId,
      name: this.name,
      schoolYear: this.schoolYear,
      diploma: this.diploma,
      level: this.level,
      specialty: this.specialty ?? null,
      familleDeMetiers: this.familleDeMetiers ?? null,
      pfmpPeriods: (this.pfmpPeriods ?? []).map((period) => period.toPeriod()),
    };
  }
}
