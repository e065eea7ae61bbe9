import 'reflect-metadata';
import { runService } from '@tremplin/platform';
import { MatchingServiceModule } from './matching-service.module';

void runService(MatchingServiceModule, 'matching');
