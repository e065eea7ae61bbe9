import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsCalendarDate, IsCfd, IsCommune, IsUai, LEVELS, ROME_PATTERN } from '@tremplin/contracts';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateBy,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { WEEKDAYS, type Weekday, type WeeklySchedule } from './internship-offer.entity';
import { PeriodInput, periodsProblem, scheduleProblem, TIME_PATTERN } from './offer-rules';

// The fields of an offer as the API takes them, each field's rules in one place: posting
// requires them, an update takes any of them (never null).

export class PeriodDto {
  @ApiProperty({ example: '2027-01-11', description: 'First day' })
  @IsCalendarDate()
  startDate: string;

  @ApiProperty({ example: '2027-02-05', description: 'Last day (inclusive), not before startDate' })
  @IsCalendarDate()
  endDate: string;

  @ApiProperty({ example: 2, minimum: 1, maximum: 100, description: 'Seats in this period' })
  @IsInt()
  @Min(1)
  @Max(100)
  seats: number;
}

export class PlaceDto {
  @ApiProperty({
    example: '31555',
    description: 'INSEE code of the commune where the intern works',
  })
  @IsCommune()
  communeCode: string;

  @ApiProperty({ example: 43.6045, minimum: -90, maximum: 90 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-90)
  @Max(90)
  latitude: number;

  @ApiProperty({ example: 1.444, minimum: -180, maximum: 180 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-180)
  @Max(180)
  longitude: number;
}

export class ScheduleDto implements WeeklySchedule {
  @ApiProperty({ enum: WEEKDAYS, isArray: true, example: ['mon', 'tue', 'wed', 'thu', 'fri'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(WEEKDAYS, { each: true })
  days: Weekday[];

  @ApiProperty({ example: '09:00', description: 'Start of the working day, HH:MM' })
  @Matches(TIME_PATTERN, { message: '$property must be a time HH:MM' })
  start: string;

  @ApiProperty({ example: '17:00', description: 'End of the working day, HH:MM, after start' })
  @Matches(TIME_PATTERN, { message: '$property must be a time HH:MM' })
  @ValidateBy({
    name: 'dayAfterStart',
    validator: {
      validate: (_value, args) => scheduleProblem(args?.object as ScheduleDto) === undefined,
      defaultMessage: (args) => `end: ${scheduleProblem(args?.object as ScheduleDto)}`,
    },
  })
  end: string;

  @ApiProperty({ example: 60, minimum: 0, maximum: 720, description: 'Break in the day, minutes' })
  @IsInt()
  @Min(0)
  @Max(720)
  breakMinutes: number;
}

/** A field an update may leave out, but not send as null. */
export const Given = () => ValidateIf((_object, value) => value !== undefined);

export const TitleRules = () => applyDecorators(IsString(), Length(1, 120));
export const DescriptionRules = () => applyDecorators(IsString(), Length(1, 5000));
export const RomeCodesRules = () =>
  applyDecorators(
    IsArray(),
    ArrayMinSize(1),
    ArrayMaxSize(10),
    ArrayUnique(),
    Matches(ROME_PATTERN, { each: true, message: 'each of $property must look like F1602' }),
  );
export const DiplomasRules = () =>
  applyDecorators(
    IsArray(),
    ArrayMinSize(1),
    ArrayMaxSize(50),
    ArrayUnique(),
    IsCfd({ each: true }),
  );
export const SpecialtiesRules = () =>
  applyDecorators(
    IsArray(),
    ArrayMaxSize(50),
    ArrayUnique(),
    IsString({ each: true }),
    Length(1, 100, { each: true }),
  );
export const LevelsRules = () =>
  applyDecorators(IsArray(), ArrayUnique(), IsIn(LEVELS, { each: true }));
export const PeriodsRules = () =>
  applyDecorators(
    IsArray(),
    ArrayMinSize(1),
    ArrayMaxSize(20),
    ValidateNested({ each: true }),
    Type(() => PeriodDto),
    ValidateBy({
      name: 'periodsInOrder',
      validator: {
        validate: (value) => !wellFormedPeriods(value) || periodsProblem(value) === undefined,
        defaultMessage: (args) => `periods: ${periodsProblem(args?.value as PeriodInput[])}`,
      },
    }),
  );
export const PlaceRules = () =>
  applyDecorators(
    IsObject(),
    ValidateNested(),
    Type(() => PlaceDto),
  );
export const ScheduleRules = () =>
  applyDecorators(
    IsObject(),
    ValidateNested(),
    Type(() => ScheduleDto),
  );
export const ReservedForSchoolsRules = () =>
  applyDecorators(IsArray(), ArrayMaxSize(100), ArrayUnique(), IsUai({ each: true }));
export const FlagRules = () => IsBoolean();

/** Periods whose own fields are valid (else their own errors say what is wrong). */
function wellFormedPeriods(value: unknown): value is PeriodInput[] {
  return (
    Array.isArray(value) &&
    value.every(
      (period) =>
        period instanceof PeriodDto &&
        typeof period.startDate === 'string' &&
        typeof period.endDate === 'string',
    )
  );
}
