import 'reflect-metadata';
import { runService } from '@tremplin/platform';
import { NotificationsModule } from './notifications.module';

void runService(NotificationsModule, 'notifications');
