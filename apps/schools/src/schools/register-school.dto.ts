import { IsUai } from '@tremplin/contracts';
import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';

export class RegisterSchoolDto {
  @ApiProperty({ example: '0381758E', description: 'UAI code: 7 digits and their check letter' })
  @IsUai()
  uai: string;

  @ApiProperty({ example: 'Lycée professionnel Jean Jaurès' })
  @IsString()
  @Length(2, 200)
  name: string;

  @ApiProperty({ example: '16', description: 'Academy code (two digits)' })
  @Matches(/^\d{2}$/, { message: 'academyCode must be two digits' })
  academyCode: string;

  @ApiProperty({ example: '31555', description: 'INSEE code of the commune' })
  @Matches(/^(\d{5}|2[AB]\d{3})$/, { message: 'communeInsee must be an INSEE commune code' })
  communeInsee: string;
}
