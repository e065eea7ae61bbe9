import 'reflect-metadata';
import { runService } from '@tremplin/platform';
import { NotificationsServiceModule } from './notifications-service.module';

void runService(NotificationsServiceModule, 'notifications');
