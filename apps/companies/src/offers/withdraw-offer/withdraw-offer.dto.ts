import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { WITHDRAWAL_REASONS, type WithdrawalReason } from '../internship-offer.entity';
import type { WithdrawOfferCommand } from './withdraw-offer';

export class WithdrawOfferDto {
  @ApiPropertyOptional({ enum: WITHDRAWAL_REASONS, default: 'cancelled' })
  @IsOptional()
  @IsIn(WITHDRAWAL_REASONS)
  reason?: WithdrawalReason;

  toCommand(offerId: string): WithdrawOfferCommand {
    return { offerId, reason: this.reason ?? 'cancelled' };
  }
}
