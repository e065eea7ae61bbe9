import 'reflect-metadata';
import { runService } from '@tremplin/platform';
import { SchoolsServiceModule } from './schools-service.module';

void runService(SchoolsServiceModule, 'schools');
