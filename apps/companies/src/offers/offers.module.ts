import { Module } from '@nestjs/common';
import { OffersController } from './offers.controller';
import { PostOffer } from './post-offer/post-offer';
import { UpdateOffer } from './update-offer/update-offer';
import { WithdrawOffer } from './withdraw-offer/withdraw-offer';

/** Internship offers: posting, changing and withdrawing them, reading them. */
@Module({
  controllers: [OffersController],
  providers: [PostOffer, UpdateOffer, WithdrawOffer],
})
export class OffersModule {}
