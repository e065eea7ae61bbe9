import { ApiPropertyOptional } from '@nestjs/swagger';
import { PFMP_CANCELLATION_REASONS, type PfmpCancellationReason } from '@tremplin/contracts';
import { IsIn, IsOptional } from 'class-validator';
import type { CancelPfmpPeriodCommand } from './cancel-pfmp-period';

/** `POST /api/v1/classes/{id}/pfmp-periods/{periodId}/cancellation` */
export class CancelPfmpPeriodDto {
  @ApiPropertyOptional({ enum: PFMP_CANCELLATION_REASONS, default: 'other' })
  @IsOptional()
  @IsIn(PFMP_CANCELLATION_REASONS)
  reason?: PfmpCancellationReason;

  toCommand(classId: string, periodId: string): CancelPfmpPeriodCommand {
    return { classId, periodId, reason: this.reason ?? 'other' };
  }
}
