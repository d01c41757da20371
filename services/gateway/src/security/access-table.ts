import type { Role } from '../auth/token.js';

/**
 * The callers the access matrix tries on every route: nobody, a token never issued, a revoked one,
 * two collectivités (A owns the fixtures, B does not), and each other role.
 */
export const IDENTITIES = ['none', 'unknown', 'revoked', 'collectiviteA', 'collectiviteB', 'supervisor', 'auditor', 'admin'] as const;
export type Identity = (typeof IDENTITIES)[number];

/** The role behind each identity that has one. */
export const ROLE_OF: Readonly<Partial<Record<Identity, Role>>> = {
  collectiviteA: 'collectivite',
  collectiviteB: 'collectivite',
  supervisor: 'supervisor',
  auditor: 'auditor',
  admin: 'admin',
};

/** What a cell expects: a status, or a redirection's status and exact `Location`. */
export type Expected = number | { readonly status: number; readonly location: string };

/**
 * How the identity presents itself: `bearer`, its token in `Authorization` (the API, /metrics); `session`,
 * the cookie of a session opened through the sign-in form (the pages and their live stream); `form`,
 * its token typed in the sign-in form.
 */
export type Credential = 'bearer' | 'session' | 'form';

export interface AccessRule {
  /** `METHOD /path` in OpenAPI's spelling, as the running app's router lists it. */
  readonly route: string;
  readonly credential: Credential;
  /** Open without a token (`@Public()`): the guard lets everyone through, the handler decides. */
  readonly public?: true;
  readonly expect: Readonly<Record<Identity, Expected>>;
  /** Roles the guard lets in although every cell of theirs is refused by the handler (a collectivité's own administrators' routes). */
  readonly guardAdmits?: readonly Role[];
}

/**
 * An API route: 401 without a good token, `ok` for the roles listed, 403 for the others; `overrides`
 * for the cells that differ (collectivité B on A's resources: 404, as for an id that does not exist).
 */
function api(route: string, ok: number, roles: readonly Role[], overrides: Partial<Record<Identity, Expected>> = {}): AccessRule {
  const expect = Object.fromEntries(
    IDENTITIES.map((identity) => {
      const role = ROLE_OF[identity];
      return [identity, role === undefined ? 401 : roles.includes(role) ? ok : 403];
    }),
  ) as Record<Identity, Expected>;
  return { route, credential: 'bearer', expect: { ...expect, ...overrides } };
}

/** A route anyone may call, with or without a session, answering `status` to all. */
function open(route: string, credential: Credential, status: number): AccessRule {
  return { route, credential, public: true, expect: Object.fromEntries(IDENTITIES.map((identity) => [identity, status])) as Record<Identity, Expected> };
}

/** A page: without a live session, to the sign-in form and back (303); 403 for the roles not listed. */
function page(route: string, path: string, roles: readonly Role[]): AccessRule {
  const signin = { status: 303, location: `/signin?next=${path}` };
  const expect = Object.fromEntries(
    IDENTITIES.map((identity) => {
      const role = ROLE_OF[identity];
      return [identity, role === undefined ? signin : roles.includes(role) ? 200 : 403];
    }),
  ) as Record<Identity, Expected>;
  return { route, credential: 'session', expect };
}

const FOLLOWING: readonly Role[] = ['collectivite', 'supervisor', 'auditor'];
const SUPERVISING: readonly Role[] = ['supervisor', 'admin'];
const AUDITING: readonly Role[] = ['auditor', 'admin'];
const EVERY_ROLE: readonly Role[] = ['admin', 'collectivite', 'supervisor', 'auditor'];
/** The routes of a collectivité's own administrators. */
const COLLECTIVITE_ADMIN_ROUTES = [
  'GET /api/v1/collectivite/users',
  'POST /api/v1/collectivite/users',
  'DELETE /api/v1/collectivite/users/{id}',
  'POST /api/v1/collectivite/users/{id}/tokens',
  'GET /api/v1/collectivite/tokens',
  'DELETE /api/v1/collectivite/tokens/{id}',
] as const;
/** The routes of a named user's e-mail notices. */
const NOTICES_ROUTES = ['GET /api/v1/users/me/notices', 'PUT /api/v1/users/me/notices'] as const;
/** Collectivité B asking for one of A's transmissions, files or retours: as if it did not exist. */
const HIDDEN_FROM_B = { collectiviteB: 404 } as const;

/**
 * The expected answer of every route to every identity. A route the app serves that is missing here
 * fails the matrix: adding a route means deciding here who may call it.
 */
export const ACCESS_TABLE: readonly AccessRule[] = [
  open('GET /health', 'bearer', 200),
  api('GET /metrics', 200, SUPERVISING),
  api('GET /api/v1/openapi.json', 200, EVERY_ROLE),

  api('POST /api/v1/admin/collectivites', 201, ['admin']),
  api('POST /api/v1/admin/tokens', 201, ['admin']),
  api('DELETE /api/v1/admin/tokens/{id}', 204, ['admin']),
  api('GET /api/v1/admin/tokens', 200, ['admin']),
  api('POST /api/v1/admin/users', 201, ['admin']),
  api('GET /api/v1/admin/users', 200, ['admin']),
  api('DELETE /api/v1/admin/users/{id}', 204, ['admin']),
  api('POST /api/v1/admin/users/{id}/tokens', 201, ['admin']),
  // Groups of collectivités: the platform's administrators only (the matrix's identities are no group's administrators).
  api('POST /api/v1/admin/groups', 201, ['admin']),
  api('GET /api/v1/admin/groups', 200, ['admin']),
  api('PUT /api/v1/admin/groups/{id}/members', 200, ['admin']),
  // A collectivité's administrators only: the matrix's collectivité tokens are no user's, so 403 (token-life-cycle and users specs cover the rest).
  ...COLLECTIVITE_ADMIN_ROUTES.map((route): AccessRule => ({ ...api(route, 403, ['collectivite']), guardAdmits: ['collectivite'] })),
  // A named user's own notices: the matrix's tokens are no user's, so 403 AUTH.NOT_A_USER for every role (notices.int.spec covers the rest).
  ...NOTICES_ROUTES.map((route): AccessRule => ({ ...api(route, 403, EVERY_ROLE), guardAdmits: EVERY_ROLE })),
  api('POST /api/v1/admin/tokens/{id}/rotate', 201, ['admin']),
  api('GET /api/v1/tokens/current', 200, EVERY_ROLE),
  api('POST /api/v1/tokens/current/rotate', 201, EVERY_ROLE),
  api('POST /api/v1/admin/transmissions/{id}/shred-personal-data', 200, ['admin']),
  api('GET /api/v1/admin/dead-letters', 200, SUPERVISING),
  api('POST /api/v1/admin/dead-letters/{seq}/retry', 202, SUPERVISING),

  api('POST /api/v1/actes', 202, ['collectivite']),
  api('POST /api/v1/actes/archive', 202, ['collectivite']),
  api('POST /api/v1/actes/{id}/annulation', 202, ['collectivite'], HIDDEN_FROM_B),
  api('POST /api/v1/actes/{id}/exchanges/{number}/replies', 202, ['collectivite'], HIDDEN_FROM_B),
  api('POST /api/v1/pes', 202, ['collectivite']),
  api('GET /api/v1/pes/retours', 200, FOLLOWING, HIDDEN_FROM_B),
  api('GET /api/v1/pes/retours/{id}/file', 200, FOLLOWING, HIDDEN_FROM_B),

  api('GET /api/v1/classification', 200, EVERY_ROLE, { collectiviteB: 404 }),
  api('POST /api/v1/classification/requests', 202, ['collectivite', 'admin'], { collectiviteB: 404 }),

  api('GET /api/v1/transmissions', 200, FOLLOWING),
  api('GET /api/v1/transmissions/{id}', 200, FOLLOWING, HIDDEN_FROM_B),
  api('GET /api/v1/transmissions/{id}/events', 200, FOLLOWING, HIDDEN_FROM_B),
  api('GET /api/v1/transmissions/{id}/files/{sha256}', 200, FOLLOWING, HIDDEN_FROM_B),
  api('GET /api/v1/transmissions/{id}/stamped', 200, FOLLOWING, HIDDEN_FROM_B),
  api('GET /api/v1/transmissions/{id}/receipt', 200, FOLLOWING, HIDDEN_FROM_B),
  api('POST /api/v1/transmissions/{id}/retry', 202, ['admin', 'supervisor']),

  api('POST /api/v1/webhooks', 201, ['collectivite']),
  api('GET /api/v1/webhooks', 200, ['collectivite']),
  api('DELETE /api/v1/webhooks/{id}', 204, ['collectivite'], HIDDEN_FROM_B),

  api('GET /api/v1/stats/summary', 200, SUPERVISING),
  api('GET /api/v1/stats/series', 200, SUPERVISING),
  api('GET /api/v1/stats/breakdown', 200, SUPERVISING),
  api('GET /api/v1/stats/backlog', 200, SUPERVISING),
  api('GET /api/v1/stats/reasons', 200, SUPERVISING),
  api('GET /api/v1/stats/windows', 200, SUPERVISING),

  api('GET /api/v1/audit/events', 200, AUDITING),
  api('GET /api/v1/audit/verify', 200, AUDITING),
  api('GET /api/v1/audit/transmissions', 200, AUDITING),
  api('GET /api/v1/audit/transmissions/{id}', 200, AUDITING),
  api('GET /api/v1/audit/transmissions/{id}/events', 200, AUDITING),

  open('GET /signin', 'session', 200),
  // Single sign-on is not configured in the matrix's gateway (the oidc spec runs it against a provider).
  open('GET /signin/oidc', 'session', 404),
  open('GET /signin/oidc/callback', 'session', 404),
  {
    route: 'POST /signin',
    credential: 'form',
    public: true,
    expect: {
      none: 401,
      unknown: 401,
      revoked: 401,
      collectiviteA: { status: 303, location: '/app' },
      collectiviteB: { status: 303, location: '/app' },
      supervisor: { status: 303, location: '/dashboard' },
      auditor: { status: 303, location: '/audit' },
      admin: { status: 303, location: '/dashboard' },
    },
  },
  {
    route: 'POST /signout',
    credential: 'session',
    public: true,
    expect: Object.fromEntries(IDENTITIES.map((identity) => [identity, { status: 303, location: '/signin' }])) as Record<Identity, Expected>,
  },
  page('GET /dashboard', '/dashboard', SUPERVISING),
  page('GET /audit', '/audit', AUDITING),
  page('GET /app', '/app', ['collectivite']),
  open('GET /dashboard/assets/{name}', 'session', 200),
  {
    // The live stream answers as the API does (it is read by a script, not opened as a page).
    route: 'GET /dashboard/live',
    credential: 'session',
    expect: Object.fromEntries(
      IDENTITIES.map((identity) => {
        const role = ROLE_OF[identity];
        return [identity, role === undefined ? 401 : SUPERVISING.includes(role) ? 200 : 403];
      }),
    ) as Record<Identity, Expected>,
  },
];

/** Cells of the matrix. */
export const MATRIX_SIZE = ACCESS_TABLE.length * IDENTITIES.length;

/**
 * The roles the table lets past the guard on `rule`'s route: those with at least one identity that is
 * not refused 401 or 403 (collectivité B's 404 is the handler hiding A's data, after the guard let it in).
 */
export function rolesAllowed(rule: AccessRule): Role[] {
  const roles = new Set<Role>(rule.guardAdmits ?? []);
  for (const identity of IDENTITIES) {
    const role = ROLE_OF[identity];
    const expected = rule.expect[identity];
    const status = typeof expected === 'number' ? expected : expected.status;
    if (role !== undefined && status !== 401 && status !== 403) roles.add(role);
  }
  return [...roles].sort();
}
