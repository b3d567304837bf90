import { Module } from '@nestjs/common';
import { ReviewController } from './review.controller.js';

/** The bureau's review queue (审核): what to review, what is asked or sent back, who has not filed. */
@Module({ controllers: [ReviewController] })
export class ReviewQueueModule {}
