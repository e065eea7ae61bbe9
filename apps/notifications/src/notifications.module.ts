import { Module } from '@nestjs/common';
import { serviceFoundation } from '@tremplin/messaging';

@Module({
  imports: [...serviceFoundation({ service: 'notifications' })],
})
export class NotificationsModule {}
