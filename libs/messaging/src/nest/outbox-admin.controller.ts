import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { NotFound, Roles } from '@tremplin/platform';
import { DataSource } from 'typeorm';
import { ParkedRow, parkedRows, requeueParked, requeueParkedTopic } from '../outbox/parked-rows';

/**
 * The outbox rows the relay parked after the broker kept refusing them (topic missing or
 * forbidden, record too large), and their requeue once the operator fixed the cause. Admins only.
 */
@Controller('admin/outbox')
@Roles('admin')
export class OutboxAdminController {
  constructor(private readonly dataSource: DataSource) {}

  /** `GET /admin/outbox/parked?limit=100&after=<id>`: oldest first, with the broker's refusal. */
  @Get('parked')
  async parked(
    @Query('limit') limit?: string,
    @Query('after') after?: string,
  ): Promise<ParkedRow[]> {
    const count = Math.min(1000, Math.max(1, Number(limit) || 100));
    return parkedRows(this.dataSource, count, after);
  }

  /** `POST /admin/outbox/parked/requeue?topic=<topic>`: every parked row of the topic, key by key. */
  @Post('parked/requeue')
  @HttpCode(200)
  async requeueTopic(@Query('topic') topic?: string): Promise<{ requeued: number }> {
    const requeued = topic ? await requeueParkedTopic(this.dataSource, topic) : 0;
    if (requeued === 0) throw new NotFound('parked outbox rows of topic', topic ?? '');
    return { requeued };
  }

  /** `POST /admin/outbox/parked/:id/requeue`: the row's key, every parked row of it, in order. */
  @Post('parked/:id/requeue')
  @HttpCode(200)
  async requeue(@Param('id') id: string): Promise<{ requeued: number }> {
    const requeued = await requeueParked(this.dataSource, id);
    if (requeued === 0) throw new NotFound('parked outbox row', id);
    return { requeued };
  }
}
