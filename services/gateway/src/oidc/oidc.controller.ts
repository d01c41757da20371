import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Controller, Get, Inject, Logger, Query, Req, Res, UseFilters } from '@nestjs/common';
import * as client from 'openid-client';
import type pg from 'pg';
import { Public } from '../auth/roles.decorator.js';
import { TokenRepository } from '../auth/token.repository.js';
import type { GatewayConfig } from '../config.js';
import { GATEWAY_CONFIG, PG_POOL } from '../tokens.js';
import { SESSION_LIFETIME } from '../web/session-lifetime.js';
import { sessionCookie, sessionIdOf } from '../web/cookies.js';
import { escapeHtml, messagePage, pageShell, sendHtml } from '../web/html.js';
import { cameOverHttps, localPath } from '../web/request-origin.js';
import { UserRepository } from '../users/user.repository.js';
import { SessionRepository } from '../web/session.repository.js';
import { homeOf } from '../web/signin.controller.js';
import { WebPageFilter } from '../web/web-page.filter.js';
import { isLoopbackHttp, type OidcSettings } from './oidc-settings.js';

/** The cookie that ties the provider's answer to the browser that asked (SameSite=Lax: it comes back on the provider's redirect). */
const STATE_COOKIE = 'relais_oidc_state';
/** How long a sign-in may take at the provider. */
const LOGIN_TTL_MS = 10 * 60_000;

export const OidcErrorCode = {
  /** Single sign-on is not configured. */
  NotConfigured: 'SIGNIN.SSO_NOT_CONFIGURED',
  /** The provider's answer does not match a sign-in this browser started (or it came too late). */
  StateMismatch: 'SIGNIN.SSO_STATE_MISMATCH',
  /** The provider refused, or its answer did not verify. */
  ProviderFailed: 'SIGNIN.SSO_FAILED',
  /** The provider vouched for an address no active Relais user has. */
  UnknownUser: 'SIGNIN.SSO_UNKNOWN_USER',
} as const;

const hashState = (state: string): Buffer => createHash('sha256').update(state, 'utf8').digest();

/**
 * Signing in to the web pages through OpenID Connect (authorization code with PKCE, state and nonce).
 * The provider vouches for an e-mail address; the active named user with that address gets a session,
 * bound to a token issued for the session alone (its secret never leaves the gateway), so that
 * disabling the user or revoking their tokens ends the session at once, as for any other.
 */
@Controller('signin/oidc')
@Public()
@UseFilters(WebPageFilter)
export class OidcController {
  private readonly logger = new Logger('Oidc');
  private readonly settings: OidcSettings | undefined;
  private configuration: Promise<client.Configuration> | undefined;

  constructor(
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly tokens: TokenRepository,
    private readonly sessions: SessionRepository,
    private readonly users: UserRepository,
  ) {
    this.settings = config.oidc;
  }

  /** To the provider, with a fresh state, nonce and PKCE challenge kept here for ten minutes. */
  @Get()
  async start(@Query('next') next: unknown, @Req() request: IncomingMessage, @Res() response: ServerResponse): Promise<void> {
    const settings = this.settings;
    if (settings === undefined) {
      sendHtml(response, 404, messagePage('Not available', OidcErrorCode.NotConfigured, 'Single sign-on is not configured on this platform.', false));
      return;
    }
    const configuration = await this.discovered(settings);
    const state = randomBytes(32).toString('base64url');
    const nonce = client.randomNonce();
    const verifier = client.randomPKCECodeVerifier();
    await this.pool.query(`DELETE FROM oidc_logins WHERE created_at < now() - $1 * interval '1 millisecond'`, [LOGIN_TTL_MS]);
    await this.pool.query('INSERT INTO oidc_logins (state_hash, code_verifier, nonce, next) VALUES ($1, $2, $3, $4)', [
      hashState(state),
      verifier,
      nonce,
      localPath(next, ''),
    ]);
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: settings.redirectUri,
      scope: 'openid email',
      state,
      nonce,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    response.statusCode = 303;
    response.setHeader('Set-Cookie', `${STATE_COOKIE}=${state}; Path=/signin/oidc; HttpOnly; SameSite=Lax; Max-Age=${String(LOGIN_TTL_MS / 1000)}${cameOverHttps(request) ? '; Secure' : ''}`);
    response.setHeader('Location', url.href);
    response.setHeader('Cache-Control', 'no-store');
    response.end();
  }

  /** The provider's answer: checked, then a session for the user it names, or a page saying why not. */
  @Get('callback')
  async callback(@Req() request: IncomingMessage, @Res() response: ServerResponse): Promise<void> {
    const settings = this.settings;
    if (settings === undefined) {
      sendHtml(response, 404, messagePage('Not available', OidcErrorCode.NotConfigured, 'Single sign-on is not configured on this platform.', false));
      return;
    }
    const current = new URL(request.url ?? '/', settings.redirectUri);
    const state = current.searchParams.get('state') ?? '';
    const cookieState = new RegExp(`(?:^|;\\s*)${STATE_COOKIE}=([^;]+)`).exec(request.headers.cookie ?? '')?.[1];
    const { rows } = await this.pool.query<{ code_verifier: string; nonce: string; next: string }>(
      `DELETE FROM oidc_logins WHERE state_hash = $1 AND created_at >= now() - $2 * interval '1 millisecond' RETURNING code_verifier, nonce, next`,
      [hashState(state), LOGIN_TTL_MS],
    );
    const login = rows[0];
    if (login === undefined || cookieState !== state) {
      sendHtml(response, 400, messagePage('Sign-in failed', OidcErrorCode.StateMismatch, 'This answer of the provider matches no sign-in started here, or it came too late. Start again.', false));
      return;
    }
    let email: string | undefined;
    try {
      const tokens = await client.authorizationCodeGrant(await this.discovered(settings), current, {
        pkceCodeVerifier: login.code_verifier,
        expectedState: state,
        expectedNonce: login.nonce,
        idTokenExpected: true,
      });
      const configuration = await this.discovered(settings);
      const claims = tokens.claims();
      if (claims === undefined) throw new Error('no ID token');
      // A provider may keep the address out of the ID token and give it at its userinfo endpoint (ProConnect does).
      const holder: Record<string, unknown> = typeof claims['email'] === 'string' ? claims : await client.fetchUserInfo(configuration, tokens.access_token, claims.sub);
      if (typeof holder['email'] === 'string' && holder['email_verified'] !== false) email = holder['email'].toLowerCase();
    } catch (error) {
      this.logger.warn(`single sign-on refused: ${error instanceof Error ? error.message : String(error)}`);
      sendHtml(response, 401, messagePage('Sign-in failed', OidcErrorCode.ProviderFailed, 'The identity provider did not confirm who you are. Start again.', false));
      return;
    }
    const user = email === undefined ? undefined : await this.users.findActiveByEmail(email);
    if (user === undefined) {
      sendHtml(response, 403, messagePage('Sign-in refused', OidcErrorCode.UnknownUser, `No active Relais user has the address ${email ?? '(none given)'}. Ask your collectivité’s administrator.`, false));
      return;
    }
    // A token for this session alone, dead with it at the latest.
    const issued = await this.tokens.issue(user.role, user.siren, new Date(Date.now() + SESSION_LIFETIME.absoluteMs), { userId: user.id, label: 'single sign-on session' });
    const previous = sessionIdOf(request.headers.cookie);
    if (previous !== undefined) await this.sessions.close(previous);
    const session = await this.sessions.open(issued.id);
    response.setHeader('Set-Cookie', [
      sessionCookie(session.id, { secure: cameOverHttps(request), maxAgeSeconds: session.maxAgeSeconds }),
      `${STATE_COOKIE}=; Path=/signin/oidc; HttpOnly; SameSite=Lax; Max-Age=0`,
    ]);
    // A page rather than a redirection: the session cookie is SameSite=Strict, and a browser withholds it
    // from the rest of a navigation the provider's site started; the page's own navigation is ours.
    const target = login.next === '' ? homeOf(user.role) : login.next;
    sendHtml(response, 200, continuePage(target));
  }

  /** The provider's metadata, discovered once (again after a failure). */
  private discovered(settings: OidcSettings): Promise<client.Configuration> {
    if (this.configuration === undefined) {
      const issuer = new URL(settings.issuer);
      // Plain HTTP only to a provider on loopback (development and tests): the library marks that option deprecated to make it stand out.
      // eslint-disable-next-line @typescript-eslint/no-deprecated
      const options = isLoopbackHttp(issuer) ? { execute: [client.allowInsecureRequests] } : {};
      this.configuration = client.discovery(issuer, settings.clientId, settings.clientSecret, undefined, options);
      this.configuration.catch(() => {
        this.configuration = undefined;
      });
    }
    return this.configuration;
  }
}

/** "Signed in": straight on to `target` (a path of this site), by a refresh and a link. */
function continuePage(target: string): string {
  const href = escapeHtml(target);
  return pageShell('Signed in', `<meta http-equiv="refresh" content="0;url=${href}">\n<h2>Signed in</h2>\n<p><a href="${href}" data-code="SIGNIN.DONE">Continue</a></p>`);
}
