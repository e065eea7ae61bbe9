import type { INestApplication } from '@nestjs/common';
import { ROLES, type Role } from '@tremplin/platform';
import { mintToken } from '@tremplin/testing-infrastructure';
import request from 'supertest';

/** The identifiers of one academy's test data, as an identity provider would scope tokens. */
export interface AcademyFixture {
  academy: string;
  schools: string[];
  companies: string[];
  students: string[];
}

/** What a route answers to an allowed caller, inside and outside its scope. */
export type ScopeExpectation =
  /** One resource: 2xx inside the scope, 404 outside (its existence is not disclosed). */
  | { kind: 'read'; status?: number }
  /** A list: 200 both ways; the fixture's row is in it inside the scope, absent outside. */
  | { kind: 'list'; rowId: (fixture: AcademyFixture) => string }
  /** A creation: 201 inside the scope, 403 outside (nothing is created). */
  | { kind: 'create' }
  /** Not tenant data (health, the outbox's admin view): the same answer from any allowed caller. */
  | { kind: 'unscoped'; status: number };

/** One route's declared access: every role not listed is a 403, no token a 401. */
export interface RouteAccess<F extends AcademyFixture = AcademyFixture> {
  /** As the OpenAPI document names it: `GET /api/v1/schools/{id}`. */
  route: string;
  /** `public`: anyone, with or without a token, gets the expected answer. */
  roles: readonly Role[] | 'public';
  expect: ScopeExpectation;
  /**
   * The request acting on `target`'s data; `attempt` differs on every call, for creations
   * that need fresh natural keys.
   */
  call(target: F, attempt: number): { path: string; body?: object };
}

/** One call of the matrix and what it answered. */
export interface MatrixCall {
  route: string;
  caller: Role | 'anonymous';
  scope: 'inside' | 'outside';
  expected: number;
  actual: number;
  /** Why a 2xx answer still failed (a list holding a row outside the scope). */
  problem?: string;
}

/** A token of `role` scoped to the fixture's academy, schools, companies and students. */
export function tokenFor(role: Role, fixture: AcademyFixture): string {
  return mintToken({
    sub: `${role}-of-${fixture.academy}`,
    roles: [role],
    academy: fixture.academy,
    schools: fixture.schools,
    companies: fixture.companies,
    students: fixture.students,
  } as Parameters<typeof mintToken>[0]);
}

/** `METHOD /path` of every operation in an OpenAPI document. */
export function documentedRoutes(document: { paths: Record<string, object> }): string[] {
  const methods = ['get', 'put', 'post', 'delete', 'patch'];
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.keys(operations)
      .filter((method) => methods.includes(method))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );
}

/**
 * Calls every route with no token and with a token of every role, inside the scope of the data
 * it acts on (same academy) and outside it (the other academy's), and returns each call with
 * the status its declaration expects. A test asserts that none differs, and that the cases
 * cover the service's OpenAPI document (`documentedRoutes`).
 */
export async function runAccessMatrix<F extends AcademyFixture>(options: {
  app: INestApplication;
  /** Two academies' data: calls act on the first's, from inside it and from the second. */
  fixtures: readonly [F, F];
  routes: readonly RouteAccess<F>[];
}): Promise<MatrixCall[]> {
  const [target, other] = options.fixtures;
  const server = options.app.getHttpServer();
  const calls: MatrixCall[] = [];
  let attempt = 0;
  const send = (access: RouteAccess<F>, token?: string) => {
    const { path, body } = access.call(target, ++attempt);
    const [method] = access.route.split(' ');
    let call = request(server)[method.toLowerCase() as 'get' | 'post'](path);
    if (token) call = call.set('authorization', `Bearer ${token}`);
    return body ? call.send(body) : call;
  };

  for (const access of options.routes) {
    const anonymous = await send(access);
    calls.push({
      route: access.route,
      caller: 'anonymous',
      scope: 'outside',
      expected: access.roles === 'public' ? expectedStatus(access, 'admin', true) : 401,
      actual: anonymous.status,
    });
    for (const role of ROLES) {
      for (const scope of ['inside', 'outside'] as const) {
        const response = await send(access, tokenFor(role, scope === 'inside' ? target : other));
        // An admin's scope is every academy: "outside" does not exist for them.
        const inside = scope === 'inside' || role === 'admin';
        const call: MatrixCall = {
          route: access.route,
          caller: role,
          scope,
          expected: expectedStatus(access, role, inside),
          actual: response.status,
        };
        if (access.expect.kind === 'list' && response.status === 200) {
          const ids = (response.body.items as { id: string }[]).map((item) => item.id);
          const holds = ids.includes(access.expect.rowId(target));
          if (holds !== inside)
            call.problem = inside
              ? 'the row in scope is missing'
              : 'the list holds a row outside the scope';
        }
        calls.push(call);
      }
    }
  }
  return calls;
}

function expectedStatus(access: RouteAccess, role: Role, inside: boolean): number {
  if (access.roles !== 'public' && !access.roles.includes(role)) return 403;
  switch (access.expect.kind) {
    case 'unscoped':
      return access.expect.status;
    case 'read':
      return inside ? (access.expect.status ?? 200) : 404;
    case 'list':
      return 200;
    case 'create':
      return inside ? 201 : 403;
  }
}

/** The calls that did not answer as declared, one line each, for a readable failure. */
export function mismatches(calls: MatrixCall[]): string[] {
  return calls
    .filter((call) => call.actual !== call.expected || call.problem)
    .map(
      (call) =>
        `${call.route} as ${call.caller} (${call.scope}): expected ${call.expected}, got ${call.actual}` +
        (call.problem ? ` — ${call.problem}` : ''),
    );
}

/**
 * The whole check of a service: the routes its OpenAPI document has and no case declares
 * (`uncovered`), the cases of routes it does not have (`unknown`), and every call that did not
 * answer as declared. A service's matrix test expects all three empty.
 */
export async function checkAccessMatrix<F extends AcademyFixture>(options: {
  app: INestApplication;
  fixtures: readonly [F, F];
  routes: readonly RouteAccess<F>[];
}): Promise<{ uncovered: string[]; unknown: string[]; mismatches: string[]; calls: number }> {
  const document = await request(options.app.getHttpServer()).get('/docs-json');
  const documented = documentedRoutes(document.body);
  const declared = options.routes.map((access) => access.route);
  const calls = await runAccessMatrix(options);
  return {
    uncovered: documented.filter((route) => !declared.includes(route)),
    unknown: declared.filter((route) => !documented.includes(route)),
    mismatches: mismatches(calls),
    calls: calls.length,
  };
}
