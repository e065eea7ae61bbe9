import 'reflect-metadata';
import { runService } from '@tremplin/platform';
import { MatchingModule } from './matching.module';

void runService(MatchingModule, 'matching');
