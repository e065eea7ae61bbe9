import { Module } from '@nestjs/common';
import { RegisterSchool } from './register-school/register-school';
import { SchoolsController } from './schools.controller';

/** Schools: registering them, reading them. */
@Module({
  controllers: [SchoolsController],
  providers: [RegisterSchool],
})
export class SchoolsModule {}
