import { Module } from '@nestjs/common';
import { DiscardReleaseHandler } from './discard-release.js';
import { DraftReleaseHandler } from './draft-release.js';
import { PublishReleaseHandler } from './publish-release.js';
import { ReleaseCalculator } from './release-calculator.js';

/**
 * Releases (数据发布): drafting, publishing and discarding. Publication computes figures, so this
 * needs the read side (the statistics service and the projection's progress) beside the event store.
 */
@Module({
  providers: [ReleaseCalculator, DraftReleaseHandler, PublishReleaseHandler, DiscardReleaseHandler],
  exports: [ReleaseCalculator],
})
export class ReleaseModule {}
