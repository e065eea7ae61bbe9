import { Global, Module } from '@nestjs/common';
import { LinkGuard } from './opened-by-link';
import { SignedLinks } from './signed-links';

/** Signed links in every service: SignedLinks for the use cases, the guard of @OpenedByLink. */
@Global()
@Module({
  providers: [SignedLinks, LinkGuard],
  exports: [SignedLinks, LinkGuard],
})
export class LinksModule {}
