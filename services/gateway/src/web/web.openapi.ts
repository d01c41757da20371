/*
 * The OpenAPI path items of the web pages (sign-in, the dashboard, the audit page, their files and the
 * live stream), to be spread into `openApiDocument.paths` (src/openapi/openapi.document.ts, owned
 * elsewhere) together with their seven operations in openapi.int.spec.ts's list. Self-contained: the
 * same shapes as that document's helpers.
 */
const errors = (description: string): object => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Errors' } } } });
const html = (description: string): object => ({ description, content: { 'text/html': { schema: { type: 'string' } } } });
const redirect = (description: string): object => ({ description, headers: { Location: { schema: { type: 'string' } } } });
const sessionCookie = {
  'Set-Cookie': {
    description: 'relais_session=<id>; Path=/; HttpOnly; SameSite=Strict; Max-Age=<≤ 43200>[; Secure over HTTPS]',
    schema: { type: 'string' },
  },
};
const lifetime =
  'The session stands for the token it was opened with (same role, same rate bucket) and ends when the token is revoked or expires, after 30 minutes without any request, and 12 hours after sign-in. Only the SHA-256 of its id is stored.';

/** `/signin`, `/signout`, `/dashboard`, `/audit`, `/dashboard/assets/{name}`, `/dashboard/live`. */
export const webOpenApiPaths = {
  '/signin': {
    get: {
      summary: 'The sign-in form of the web pages (no token): one field, `token`, and where to go next',
      parameters: [
        {
          name: 'next',
          in: 'query',
          required: false,
          schema: { type: 'string' },
          description: 'A path of this site; absent (or anything else): the page of the role signing in, /app for a collectivité, /audit for an auditor, else /dashboard',
        },
      ],
      responses: { '200': html('The form') },
    },
    post: {
      summary: `Opens a web session for a token typed in the form. ${lifetime} Must come from this site's page (Origin or Referer naming this host).`,
      requestBody: {
        required: true,
        content: {
          'application/x-www-form-urlencoded': {
            schema: { type: 'object', required: ['token'], properties: { token: { type: 'string' }, next: { type: 'string' } } },
          },
        },
      },
      responses: {
        '303': { ...redirect('Signed in: to `next` (a path of this site), else to the role’s page (/app for a collectivité, /audit for an auditor, else /dashboard)'), headers: { Location: { schema: { type: 'string' } }, ...sessionCookie } },
        '401': html('The form again, saying why (SIGNIN.TOKEN_MISSING, SIGNIN.TOKEN_REFUSED: unknown, revoked or expired)'),
        '403': html('Posted from another site (AUTH.CROSS_ORIGIN)'),
      },
    },
  },
  '/signin/oidc': {
    get: {
      summary: 'Single sign-on (OpenID Connect, authorization code with PKCE): to the provider, with a state cookie tying its answer to this browser',
      parameters: [{ name: 'next', in: 'query', required: false, schema: { type: 'string' }, description: 'A path of this site, as for /signin' }],
      responses: { '303': redirect('To the provider’s authorization endpoint'), '404': html('Single sign-on is not configured (SIGNIN.SSO_NOT_CONFIGURED)') },
    },
  },
  '/signin/oidc/callback': {
    get: {
      summary: `The provider’s answer: the active named user with the address it vouches for gets a web session (${lifetime})`,
      responses: {
        '200': { ...html('Signed in: a page that goes on to `next` or the role’s page'), headers: sessionCookie },
        '400': html('No sign-in of this browser matches the state, or it is older than 10 minutes (SIGNIN.SSO_STATE_MISMATCH)'),
        '401': html('The provider refused, or its answer did not verify (SIGNIN.SSO_FAILED)'),
        '403': html('No active user has that address (SIGNIN.SSO_UNKNOWN_USER)'),
        '404': html('Single sign-on is not configured (SIGNIN.SSO_NOT_CONFIGURED)'),
      },
    },
  },
  '/signout': {
    post: {
      summary: "Ends this browser's session and clears its cookie; must come from this site's page",
      responses: { '303': redirect('To /signin, the cookie cleared'), '403': html('Posted from another site (AUTH.CROSS_ORIGIN)') },
    },
  },
  '/dashboard': {
    get: {
      summary:
        'The supervisors’ live dashboard (HTML, ES modules and Chart.js from this site only, CSP script-src \'self\'), on the web session. Without one: 303 to /signin?next=/dashboard.',
      'x-roles': ['supervisor', 'admin'],
      responses: {
        '200': html('The page'),
        '303': redirect('No session, or one that ended: to the sign-in form'),
        '403': html('Signed in with another role (AUTH.FORBIDDEN), with a way to sign out'),
        '429': html('Past the token’s rate (AUTH.RATE_LIMITED)'),
      },
    },
  },
  '/app': {
    get: {
      summary:
        'The collectivités’ web app, in French (HTML and ES modules from this site only, CSP script-src \'self\'), on the web session: submits an acte with its annexes (each field checked where it is typed, a progress bar while the files go), lists the transmissions with filters, shows one’s history and, once acknowledged, the stamped acte and the receipt. Without a session: 303 to /signin?next=/app.',
      'x-roles': ['collectivite'],
      responses: {
        '200': html('The page'),
        '303': redirect('No session, or one that ended: to the sign-in form'),
        '403': html('Signed in with another role (AUTH.FORBIDDEN), with a way to sign out'),
        '429': html('Past the token’s rate (AUTH.RATE_LIMITED)'),
      },
    },
  },
  '/audit': {
    get: {
      summary:
        'The auditors’ page (HTML and ES modules from this site only, CSP script-src \'self\'), on the web session: searches transmissions, shows one’s whole history with each event’s hash, its predecessor’s and the chain check, the transmission as it stood at a chosen moment, and verifies the whole log. Without a session: 303 to /signin?next=/audit.',
      'x-roles': ['auditor', 'admin'],
      responses: {
        '200': html('The page'),
        '303': redirect('No session, or one that ended: to the sign-in form'),
        '403': html('Signed in with another role (AUTH.FORBIDDEN), with a way to sign out'),
        '429': html('Past the token’s rate (AUTH.RATE_LIMITED)'),
      },
    },
  },
  '/dashboard/assets/{name}': {
    get: {
      summary: 'The pages’ scripts, stylesheet, icon and Chart.js (no token); revalidated by ETag',
      parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }],
      responses: { '200': { description: 'The file' }, '304': { description: 'Unchanged' }, '404': html('No such file (ASSET.NOT_FOUND)') },
    },
  },
  '/dashboard/live': {
    get: {
      summary:
        'Server-sent events on the web session (or a bearer header; never a token in the URL): `ready` once connected, `stats` {position} each time the statistics move (at most twice a second), a comment every 15 s, and `signedout` before the stream ends because the session or its token did',
      'x-roles': ['supervisor', 'admin'],
      responses: {
        '200': { description: 'The stream', content: { 'text/event-stream': { schema: { type: 'string' } } } },
        '401': errors('No session or token, or one that ended (AUTH.MISSING_TOKEN, AUTH.SESSION_ENDED, AUTH.INVALID_TOKEN)'),
        '403': errors('Another role (AUTH.FORBIDDEN)'),
        '429': errors('Past the token’s rate (AUTH.RATE_LIMITED)'),
      },
    },
  },
} as const;
