import { Controller, Get, Post, SetMetadata } from '@nestjs/common';
import request from 'supertest';
import { IS_PUBLIC, Public } from '../../src/auth/public.decorator';
import { Roles } from '../../src/auth/roles';
import { RoutePolicyError } from '../../src/auth/route-policies';
import { LINK_PURPOSE, OpenedByLink } from '../../src/links/opened-by-link';
import { startKitApp } from '../support/kit-app';
import { createKitDatabase } from '../support/kit-database';

jest.setTimeout(60_000);

@Controller('forgotten')
class ForgottenController {
  @Get()
  list(): string[] {
    return [];
  }

  // Not public, and no roles either: still no policy.
  @SetMetadata(IS_PUBLIC, false)
  @Post(':id/close')
  close(): string {
    return 'closed';
  }

  @Roles()
  @Get(':id')
  get(): string {
    return 'no role named';
  }

  // A link's purpose without @OpenedByLink's guard would admit any token holder.
  @SetMetadata(LINK_PURPOSE, 'answer-proposal')
  @Post(':id/answer')
  answer(): string {
    return 'answered';
  }

  @Roles('admin')
  @Post()
  create(): string {
    return 'created';
  }
}

@Roles('office_manager')
@Controller('declared-on-controller')
class DeclaredOnControllerController {
  @Get()
  list(): string[] {
    return ['declared'];
  }
}

@Public()
@Controller('opened-on-controller')
class OpenedOnControllerController {
  @Get()
  list(): string[] {
    return ['opened'];
  }
}

@Controller('by-link')
class ByLinkController {
  @OpenedByLink('answer-proposal')
  @Post(':token')
  answer(): string {
    return 'answered';
  }
}

describe('the route-policy check at start-up (PlatformModule)', () => {
  let database: Awaited<ReturnType<typeof createKitDatabase>>;

  beforeAll(async () => {
    database = await createKitDatabase('route_policies');
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('refuses to start an app with routes that declare no policy, naming each one', async () => {
    const starting = startKitApp({
      databaseUrl: database.url,
      controllers: [ForgottenController, DeclaredOnControllerController],
    });
    await expect(starting).rejects.toThrow(RoutePolicyError);
    const error = (await starting.catch((e: unknown) => e)) as RoutePolicyError;
    expect(error.routes).toEqual([
      { method: 'GET', path: '/api/v1/forgotten', handler: 'ForgottenController.list' },
      { method: 'POST', path: '/api/v1/forgotten/:id/close', handler: 'ForgottenController.close' },
      { method: 'GET', path: '/api/v1/forgotten/:id', handler: 'ForgottenController.get' },
      {
        method: 'POST',
        path: '/api/v1/forgotten/:id/answer',
        handler: 'ForgottenController.answer',
      },
    ]);
    expect(error.message).toContain('GET /api/v1/forgotten (ForgottenController.list)');
  });

  it('starts when every route declares a policy, on its method or its controller', async () => {
    const app = await startKitApp({
      databaseUrl: database.url,
      controllers: [DeclaredOnControllerController, OpenedOnControllerController, ByLinkController],
    });
    try {
      await request(app.getHttpServer()).get('/api/v1/opened-on-controller').expect(200);
      await request(app.getHttpServer()).get('/api/v1/declared-on-controller').expect(401);
      await request(app.getHttpServer()).get('/health/live').expect(200);
    } finally {
      await app.close();
    }
  });
});
