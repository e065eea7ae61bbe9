import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsAcademy, IsCommune, IsUai } from '@tremplin/contracts';
import { IsBoolean, IsOptional, IsString, Length } from 'class-validator';
import type { RegisterSchoolCommand } from './register-school';

export class RegisterSchoolDto {
  @ApiProperty({ example: '0381758E', description: 'UAI code: 7 digits and their check letter' })
  @IsUai()
  uai: string;

  @ApiProperty({ example: 'Lycée professionnel Jean Jaurès' })
  @IsString()
  @Length(2, 200)
  name: string;

  @ApiProperty({ example: '16', description: 'Academy code (two digits; 16 = Toulouse)' })
  @IsAcademy()
  academy: string;

  @ApiProperty({ example: '31555', description: 'INSEE code of the commune' })
  @IsCommune()
  communeCode: string;

  @ApiPropertyOptional({ default: false, description: 'Priority-education school (REP/REP+)' })
  @IsOptional()
  @IsBoolean()
  priorityEducation?: boolean;

  toCommand(): RegisterSchoolCommand {
    return {
      uai: this.uai,
      name: this.name,
      academy: this.academy,
      communeCode: this.communeCode,
      priorityEducation: this.priorityEducation ?? false,
    };
  }
}
