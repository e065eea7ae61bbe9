import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { serviceFoundation } from '@tremplin/messaging';
import { CreateSchools1764331200000 } from './migrations/1764331200000-create-schools';
import { RegisterSchool } from './schools/register-school/register-school';
import { School } from './schools/school.entity';
import { SchoolsController } from './schools/schools.controller';

@Module({
  imports: [
    ...serviceFoundation({
      service: 'schools',
      database: { entities: [School], migrations: [CreateSchools1764331200000] },
    }),
    TypeOrmModule.forFeature([School]),
  ],
  controllers: [SchoolsController],
  providers: [RegisterSchool],
})
export class SchoolsModule {}
