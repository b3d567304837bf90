import { Module } from '@nestjs/common';
import { ReleaseModule } from '../../../../libs/application/src/index.js';
import { DiffReleasesHandler, DisclosureAuditHandler, GetReleaseHandler, ListReleasesHandler, VerifyReleaseHandler } from './release.queries.js';
import { ReleasesController } from './releases.controller.js';

/** Releases (数据发布): drafts, publication with disclosure control, revisions, verification. */
@Module({
  imports: [ReleaseModule],
  controllers: [ReleasesController],
  providers: [GetReleaseHandler, ListReleasesHandler, DiffReleasesHandler, VerifyReleaseHandler, DisclosureAuditHandler],
})
export class ReleasesModule {}
