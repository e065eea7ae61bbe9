import { Controller, Get, INestApplication, Post } from '@nestjs/common';
import { mintToken } from '@tremplin/testing-infrastructure';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { CurrentCaller } from '../../src/auth/auth.guard';
import { Audit } from '../../src/audit/audit';
import { LinkToken, OpenedByLink } from '../../src/links/opened-by-link';
import { LinkCaller, SignedLinks } from '../../src/links/signed-links';
import { UseCase, UseCaseContext, UseCaseRunner } from '../../src/use-cases/use-case';
import { createKitDatabase, KitDatabase } from '../support/kit-database';
import { startKitApp } from '../support/kit-app';

jest.setTimeout(60_000);

/** What a service's use case does with a link: use it up with the change, and audit as it. */
class AnswerProposal implements UseCase<string, { proposalId: string }> {
  constructor(
    private readonly links: SignedLinks,
    private readonly audit: Audit,
  ) {}

  async execute(token: string, { manager }: UseCaseContext): Promise<{ proposalId: string }> {
    const caller = await this.links.consume(manager, token, 'answer-proposal');
    // Saving the answer takes a moment: a concurrent use of the link waits on it meanwhile.
    await manager.query('SELECT pg_sleep(0.1)');
    await this.audit.record(
      { manager, caller },
      {
        entity: 'proposal',
        entityId: caller.link.resourceId,
        action: 'update',
        fields: ['answer'],
      },
    );
    return { proposalId: caller.link.resourceId };
  }
}

@Controller('links')
class ProposalLinksController {
  private readonly answerProposal: AnswerProposal;

  constructor(
    private readonly useCases: UseCaseRunner,
    links: SignedLinks,
    audit: Audit,
  ) {
    this.answerProposal = new AnswerProposal(links, audit);
  }

  @OpenedByLink('answer-proposal')
  @Get(':token')
  show(@CurrentCaller() caller: LinkCaller): { proposalId: string } {
    return { proposalId: caller.link.resourceId };
  }

  @OpenedByLink('answer-proposal')
  @Post(':token/answer')
  answer(@LinkToken() token: string, @CurrentCaller() caller: LinkCaller) {
    return this.useCases.run(this.answerProposal, token, caller);
  }

  @OpenedByLink('sign-agreement')
  @Post(':token/sign')
  sign(): string {
    return 'signed';
  }
}

const PROPOSAL = '7d0b1f8e-2f7c-4a56-9a3e-0c1d2e3f4a5b';

describe('routes opened by a signed link (real PostgreSQL)', () => {
  let database: KitDatabase;
  let app: INestApplication;
  const links = new SignedLinks();

  beforeAll(async () => {
    database = await createKitDatabase('opened_by_link');
    app = await startKitApp({ databaseUrl: database.url, controllers: [ProposalLinksController] });
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const issue = (expiresInSeconds = 3600) =>
    links.issue(app.get(DataSource).manager, {
      purpose: 'answer-proposal',
      resourceId: PROPOSAL,
      academy: '16',
      expiresInSeconds,
      issuedFor: 'contact-1',
    });
  const http = () => request(app.getHttpServer());
  const expectProblem = (
    response: request.Response,
    status: number,
    type: string,
    title: string,
    detail: RegExp,
  ) => {
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(response.body).toMatchObject({ status, type: `urn:tremplin:problem:${type}`, title });
    expect(response.body.detail).toMatch(detail);
  };

  it('opens without a bearer token: shown any number of times, answered once, then 410', async () => {
    const { id, token } = await issue();

    await http().get(`/api/v1/links/${token}`).expect(200, { proposalId: PROPOSAL });
    await http().get(`/api/v1/links/${token}`).expect(200);
    await http()
      .post(`/api/v1/links/${token}/answer`)
      .set('X-Request-Id', 'req-answer-1')
      .expect(201, { proposalId: PROPOSAL });

    const again = await http().post(`/api/v1/links/${token}/answer`);
    expectProblem(again, 410, 'link-used', 'Link already used', /already been used/);
    expect(JSON.stringify(again.body)).not.toContain(token.split('.')[1]);
    expectProblem(
      await http().get(`/api/v1/links/${token}`),
      410,
      'link-used',
      'Link already used',
      /used/,
    );

    // Audited as the link, in its academy, from the request (the guard made it the caller).
    const [row] = await database.dataSource.query(`SELECT * FROM audit_log WHERE entity_id = $1`, [
      PROPOSAL,
    ]);
    expect(row).toMatchObject({
      subject: `link:${id}`,
      roles: [],
      academy: '16',
      action: 'update',
      request_id: 'req-answer-1',
      ip: expect.stringMatching(/127\.0\.0\.1/),
    });
  });

  it('lets one of two concurrent answers through; the other, refused in its transaction, is a 410', async () => {
    const { token } = await issue();

    const responses = await Promise.all(
      [1, 2].map(() => http().post(`/api/v1/links/${token}/answer`)),
    );

    expect(responses.map((response) => response.status).sort()).toEqual([201, 410]);
    const [refused] = responses.filter((response) => response.status === 410);
    expectProblem(refused, 410, 'link-used', 'Link already used', /already been used/);
  });

  it('answers 410 for an expired link and for a revoked one, saying which', async () => {
    const expired = await issue(1);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expectProblem(
      await http().post(`/api/v1/links/${expired.token}/answer`),
      410,
      'link-expired',
      'Link expired',
      /expired/,
    );

    const revoked = await issue();
    await links.revoke(app.get(DataSource).manager, revoked.id);
    expectProblem(
      await http().post(`/api/v1/links/${revoked.token}/answer`),
      410,
      'link-revoked',
      'Link revoked',
      /revoked/,
    );
  });

  it('refuses a link on a route of another purpose, and it stays usable for its own', async () => {
    const { token } = await issue();

    expectProblem(
      await http().post(`/api/v1/links/${token}/sign`),
      403,
      'link-wrong-purpose',
      'Link not for this action',
      /does not open this action/,
    );
    await http().post(`/api/v1/links/${token}/answer`).expect(201);
  });

  it('knows no forged link (404), whatever bearer token comes with it', async () => {
    const { id, token } = await issue();
    const forged = `${id}.${'A'.repeat(43)}`;

    expectProblem(
      await http().post(`/api/v1/links/${forged}/answer`),
      404,
      'link-unknown',
      'Unknown link',
      /No such link/,
    );
    const withAdmin = await http()
      .post(`/api/v1/links/${forged}/answer`)
      .set('Authorization', `Bearer ${mintToken({ roles: ['admin'] })}`);
    expectProblem(withAdmin, 404, 'link-unknown', 'Unknown link', /No such link/);
    expectProblem(
      await http().get('/api/v1/links/garbage'),
      404,
      'link-unknown',
      'Unknown link',
      /No such link/,
    );
    await http().post(`/api/v1/links/${token}/answer`).expect(201);
  });
});
