import type { RouteAccess } from './access-matrix';

/**
 * The routes the kit gives every service (platform's health and audit log, messaging's outbox
 * admin), for each service's access matrix beside its own routes.
 */
export const KIT_ROUTES: RouteAccess[] = [
  {
    route: 'GET /health/live',
    roles: 'public',
    expect: { kind: 'unscoped', status: 200 },
    call: () => ({ path: '/health/live' }),
  },
  {
    route: 'GET /health/ready',
    roles: 'public',
    expect: { kind: 'unscoped', status: 200 },
    call: () => ({ path: '/health/ready' }),
  },
  {
    route: 'GET /health/details',
    roles: ['admin'],
    expect: { kind: 'unscoped', status: 200 },
    call: () => ({ path: '/health/details' }),
  },
  // Its academy scope is a condition of the query, proven on rows in libs/platform's audit tests.
  {
    route: 'GET /api/v1/audit',
    roles: ['admin', 'academy_admin'],
    expect: { kind: 'unscoped', status: 200 },
    call: () => ({ path: '/api/v1/audit' }),
  },
  {
    route: 'GET /api/v1/admin/outbox/parked',
    roles: ['admin'],
    expect: { kind: 'unscoped', status: 200 },
    call: () => ({ path: '/api/v1/admin/outbox/parked' }),
  },
  // Nothing is parked in the matrix: an admin reaches the route and learns so (404).
  {
    route: 'POST /api/v1/admin/outbox/parked/requeue',
    roles: ['admin'],
    expect: { kind: 'unscoped', status: 404 },
    call: () => ({ path: '/api/v1/admin/outbox/parked/requeue?topic=schools.schools' }),
  },
  {
    route: 'POST /api/v1/admin/outbox/parked/{id}/requeue',
    roles: ['admin'],
    expect: { kind: 'unscoped', status: 404 },
    call: () => ({ path: '/api/v1/admin/outbox/parked/1/requeue' }),
  },
];
