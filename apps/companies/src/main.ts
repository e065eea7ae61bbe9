import 'reflect-metadata';
import { runService } from '@tremplin/platform';
import { CompaniesServiceModule } from './companies-service.module';

void runService(CompaniesServiceModule, 'companies');
