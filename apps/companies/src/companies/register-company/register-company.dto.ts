import { ApiProperty } from '@nestjs/swagger';
import { IsAcademy, IsCommune, IsSiret, NAF_PATTERN } from '@tremplin/contracts';
import { IsIn, IsString, Length, Matches } from 'class-validator';
import type { RegisterCompanyCommand } from './register-company';

export class RegisterCompanyDto {
  @ApiProperty({
    example: '73282932000074',
    description: 'SIRET: 14 digits passing the Luhn check',
  })
  @IsSiret()
  siret: string;

  @ApiProperty({ example: 'Atelier Garonne', description: 'Registered name of the legal entity' })
  @IsString()
  @Length(2, 200)
  legalName: string;

  @ApiProperty({ example: '62.01Z', description: 'NAF/APE sector code' })
  @Matches(NAF_PATTERN, { message: 'nafCode must look like 62.01Z' })
  nafCode: string;

  @ApiProperty({
    enum: ['rev2', 'naf2025'],
    description: 'NAF revision of nafCode (NAF 2025 from 2027)',
  })
  @IsIn(['rev2', 'naf2025'])
  nafRevision: 'rev2' | 'naf2025';

  @ApiProperty({ example: '31555', description: 'INSEE code of the commune of the site' })
  @IsCommune()
  communeCode: string;

  @ApiProperty({ example: '16', description: 'Academy code of the site (two digits)' })
  @IsAcademy()
  academy: string;

  toCommand(): RegisterCompanyCommand {
    const { siret, legalName, nafCode, nafRevision, communeCode, academy } = this;
    return { siret, legalName, nafCode, nafRevision, communeCode, academy };
  }
}
