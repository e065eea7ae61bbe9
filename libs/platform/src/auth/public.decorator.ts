import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'tremplin:public';

/** Opens a route or controller to callers without a token (health, metrics, docs). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
