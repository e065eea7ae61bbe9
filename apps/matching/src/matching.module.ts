import { Module } from '@nestjs/common';
import { serviceFoundation } from '@tremplin/messaging';

@Module({
  imports: [...serviceFoundation({ service: 'matching' })],
})
export class MatchingModule {}
