import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { LEVELS, type Level } from '@tremplin/contracts';
import { IsOptional, IsUUID } from 'class-validator';
import {
  DescriptionRules,
  DiplomasRules,
  FlagRules,
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
import type { PostOfferCommand } from './post-offer';

export class PostOfferDto {
  @ApiProperty({ format: 'uuid', description: 'The company site (GET /api/v1/companies)' })
  @IsUUID()
  companyId: string;

  @ApiProperty({ example: 'Assistant(e) de maintenance informatique', maxLength: 120 })
  @TitleRules()
  title: string;

  @ApiProperty({ example: 'Installer et dépanner les postes de nos clients.', maxLength: 5000 })
  @DescriptionRules()
  description: string;

  @ApiProperty({ example: ['I1401'], description: 'ROME codes, the main job first' })
  @RomeCodesRules()
  romeCodes: string[];

  @ApiProperty({ example: ['40025214'], description: 'Codes diplôme (CFD) accepted, at least one' })
  @DiplomasRules()
  diplomas: string[];

  @ApiPropertyOptional({ example: [], description: 'Specialties accepted besides the diplomas' })
  @IsOptional()
  @SpecialtiesRules()
  specialties?: string[];

  @ApiPropertyOptional({ enum: LEVELS, isArray: true, description: 'Empty or absent: every level' })
  @IsOptional()
  @LevelsRules()
  levels?: Level[];

  @ApiProperty({
    type: [PeriodDto],
    description: 'When the company hosts, each period with its seats; none reversed or overlapping',
  })
  @PeriodsRules()
  periods: PeriodDto[];

  @ApiProperty({ type: PlaceDto })
  @PlaceRules()
  place: PlaceDto;

  @ApiProperty({
    type: ScheduleDto,
    description:
      "Checked against the minors' rules: a schedule no minor may work is for adults only",
  })
  @ScheduleRules()
  schedule: ScheduleDto;

  @ApiProperty({ description: 'Involves regulated work by minors ("travaux réglementés")' })
  @FlagRules()
  involvesRegulatedWork: boolean;

  @ApiPropertyOptional({ default: false, description: 'Reserved for priority students' })
  @IsOptional()
  @FlagRules()
  reservedForPriority?: boolean;

  @ApiPropertyOptional({
    example: ['0310001A'],
    description: 'Only students of these schools (UAIs)',
  })
  @IsOptional()
  @ReservedForSchoolsRules()
  reservedForSchools?: string[];

  toCommand(): PostOfferCommand {
    return {
      companyId: this.companyId,
      ...toFields(this),
      specialties: this.specialties ?? [],
      levels: this.levels ?? [],
      reservedForPriority: this.reservedForPriority ?? false,
      reservedForSchools: this.reservedForSchools ?? [],
    } as PostOfferCommand;
  }
}
