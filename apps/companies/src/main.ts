import 'reflect-metadata';
import { runService } from '@tremplin/platform';
import { CompaniesModule } from './companies.module';

void runService(CompaniesModule, 'companies');
