import 'reflect-metadata';
import { runService } from '@tremplin/platform';
import { SchoolsModule } from './schools.module';

void runService(SchoolsModule, 'schools');
