import { ApiProperty } from '@nestjs/swagger';
import { IsSiret } from '@tremplin/contracts';
import { IsString, Length, Matches } from 'class-validator';

export class RegisterCompanyDto {
  @ApiProperty({ example: '73282932000074', description: 'SIRET: 14 digits passing the Luhn check' })
  @IsSiret()
  siret: string;

  @ApiProperty({ example: 'Atelier Garonne' })
  @IsString()
  @Length(2, 200)
  name: string;

  @ApiProperty({ example: '62.01Z', description: 'NAF/APE code (rév. 2)' })
  @Matches(/^\d{2}\.\d{2}[A-Z]$/, { message: 'nafCode must look like 62.01Z' })
  nafCode: string;

  @ApiProperty({ example: '31555', description: 'INSEE code of the commune' })
  @Matches(/^(\d{5}|2[AB]\d{3})$/, { message: 'communeInsee must be an INSEE commune code' })
  communeInsee: string;
}
