import { ApiPropertyOptional } from '@nestjs/swagger';
import { LEVELS, type Level } from '@tremplin/contracts';
import {
  DescriptionRules,
  DiplomasRules,
  FlagRules,
  Given,
  LevelsRules,
  PeriodDto,
  PeriodsRules,
  PlaceDto,
  PlaceRules,
  ReservedForSchoolsRules,
  RomeCodesRules,
  ScheduleDto,
  ScheduleRules,
  SpecialtiesRules,
  TitleRules,
} from '../offer-input.dto';
import { toFields } from '../offer-fields';
import type { UpdateOfferCommand } from './update-offer';

/** Any of the offer's fields (not its company); a field sent as null is refused. */
export class UpdateOfferDto {
  @ApiPropertyOptional({ maxLength: 120 })
  @Given()
  @TitleRules()
  title?: string;

  @ApiPropertyOptional({ maxLength: 5000 })
  @Given()
  @DescriptionRules()
  description?: string;

  @ApiPropertyOptional({ example: ['I1401'] })
  @Given()
  @RomeCodesRules()
  romeCodes?: string[];

  @ApiPropertyOptional({ example: ['40025214'] })
  @Given()
  @DiplomasRules()
  diplomas?: string[];

  @ApiPropertyOptional({ example: [] })
  @Given()
  @SpecialtiesRules()
  specialties?: string[];

  @ApiPropertyOptional({ enum: LEVELS, isArray: true })
  @Given()
  @LevelsRules()
  levels?: Level[];

  @ApiPropertyOptional({
    type: [PeriodDto],
    description:
      'The whole new list of periods: a period with the first day of a current one is that period (its id kept), the others are added, the current ones left out are withdrawn',
  })
  @Given()
  @PeriodsRules()
  periods?: PeriodDto[];

  @ApiPropertyOptional({ type: PlaceDto })
  @Given()
  @PlaceRules()
  place?: PlaceDto;

  @ApiPropertyOptional({ type: ScheduleDto })
  @Given()
  @ScheduleRules()
  schedule?: ScheduleDto;

  @ApiPropertyOptional()
  @Given()
  @FlagRules()
  involvesRegulatedWork?: boolean;

  @ApiPropertyOptional()
  @Given()
  @FlagRules()
  reservedForPriority?: boolean;

  @ApiPropertyOptional({ example: ['0310001A'] })
  @Given()
  @ReservedForSchoolsRules()
  reservedForSchools?: string[];

  toCommand(offerId: string): UpdateOfferCommand {
    return { offerId, changes: toFields(this) };
  }
}
