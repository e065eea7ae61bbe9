import { ApiProperty } from '@nestjs/swagger';
import type { School } from './school.entity';

/** A school as the API shows it. */
export class SchoolView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: '0381758E' })
  uai: string;

  @ApiProperty({ example: 'Lycée professionnel Jean Jaurès' })
  name: string;

  @ApiProperty({ example: '16' })
  academy: string;

  @ApiProperty({ example: '31555' })
  communeCode: string;

  @ApiProperty()
  priorityEducation: boolean;

  @ApiProperty({ format: 'date-time' })
  createdAt: Date;
}

export function toSchoolView(school: School): SchoolView {
  const { id, uai, name, academy, communeCode, priorityEducation, createdAt } = school;
  return { id, uai, name, academy, communeCode, priorityEducation, createdAt };
}
