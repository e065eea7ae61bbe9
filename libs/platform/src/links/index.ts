export * from './links.module';
export * from './opened-by-link';
export * from './signed-link.entity';
export * from './signed-links';
