import { ApiProperty } from '@nestjs/swagger';
import type { Company } from './company.entity';

/** A company site as the API shows it. */
export class CompanyView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: '73282932000074' })
  siret: string;

  @ApiProperty({ example: 'Atelier Garonne' })
  legalName: string;

  @ApiProperty({ example: '62.01Z' })
  nafCode: string;

  @ApiProperty({ enum: ['rev2', 'naf2025'] })
  nafRevision: 'rev2' | 'naf2025';

  @ApiProperty({ example: '16' })
  academy: string;

  @ApiProperty({ example: '31555' })
  communeCode: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: Date;
}

export function toCompanyView(company: Company): CompanyView {
  const { id, siret, legalName, nafCode, nafRevision, academy, communeCode, createdAt } = company;
  return { id, siret, legalName, nafCode, nafRevision, academy, communeCode, createdAt };
}
