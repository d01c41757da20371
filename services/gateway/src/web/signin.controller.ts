import { Body, Controller, Get, Inject, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AuthFailureLimiter } from '../auth/auth-failures.js';
import type { GatewayConfig } from '../config.js';
import { GATEWAY_CONFIG } from '../tokens.js';
import { Public } from '../auth/roles.decorator.js';
import type { Role } from '../auth/token.js';
import { TokenRepository, type TokenRefusal } from '../auth/token.repository.js';
import { clearedSessionCookie, sessionCookie, sessionIdOf } from './cookies.js';
import { messagePage, sendHtml, signinPage } from './html.js';
import { cameOverHttps, isSameOrigin, localPath } from './request-origin.js';
import { SessionRepository } from './session.repository.js';
import { WebErrorCode } from './web-error-codes.js';
import { WebPageFilter } from './web-page.filter.js';

const refusals: Readonly<Record<TokenRefusal, string>> = {
  unknown: 'Ce jeton n’est pas connu : vérifiez qu’il a été collé en entier.',
  revoked: 'Ce jeton a été révoqué : demandez-en un nouveau à votre administrateur.',
  expired: 'Ce jeton a expiré : demandez-en un nouveau à votre administrateur.',
};

/** The fields of the sign-in form (`application/x-www-form-urlencoded`). */
interface SigninBody {
  readonly token?: unknown;
  readonly next?: unknown;
}

function field(body: unknown, name: keyof SigninBody): unknown {
  return typeof body === 'object' && body !== null ? (body as SigninBody)[name] : undefined;
}

/** Where a role lands when the form says nowhere else: its own page. */
export function homeOf(role: Role): string {
  if (role === 'collectivite') return '/app';
  return role === 'auditor' ? '/audit' : '/dashboard';
}

/**
 * Signing in and out of the web pages: the token is typed once, in a form; it opens a session held in
 * an HttpOnly, SameSite=Strict cookie, which the pages' calls and their live updates ride on.
 */
@Controller()
@Public()
@UseFilters(WebPageFilter)
export class SigninController {
  private readonly sso: string | undefined;

  constructor(
    private readonly tokens: TokenRepository,
    private readonly sessions: SessionRepository,
    private readonly failures: AuthFailureLimiter,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    this.sso = config.oidc?.name;
  }

  @Get('signin')
  form(@Query('next') next: unknown, @Res() response: ServerResponse): void {
    // No `next` (or another site's): the form leaves it empty, and the role decides once signed in.
    sendHtml(response, 200, signinPage({ next: localPath(next, ''), ...this.ssoLink() }));
  }

  /**
   * A good token: a new session (any previous one of this browser ended), then 303 to `next`, or without
   * one to the role's page (`/audit` for an auditor, else `/dashboard`). A bad one: the form again, 401.
   */
  @Post('signin')
  async signin(@Req() request: IncomingMessage, @Body() body: unknown, @Res() response: ServerResponse): Promise<void> {
    const next = localPath(field(body, 'next'), '');
    if (!isSameOrigin(request.headers)) {
      sendHtml(response, 403, messagePage('Refused', WebErrorCode.CrossOrigin, 'The sign-in form must be sent from this site’s own page.', false));
      return;
    }
    const raw = field(body, 'token');
    const token = typeof raw === 'string' ? raw.trim() : '';
    if (token === '') {
      sendHtml(response, 401, signinPage({ next, error: { code: WebErrorCode.SigninTokenMissing, message: 'Collez votre jeton pour vous connecter.' }, ...this.ssoLink() }));
      return;
    }
    // Thrown, the refusal becomes the filter's page with its code and Retry-After.
    const allowance = this.failures.allowed(request);
    if (!allowance.allowed) throw AuthFailureLimiter.refusal(allowance);
    const principal = await this.tokens.authenticate(token);
    if (typeof principal === 'string') {
      this.failures.failed(request);
      sendHtml(response, 401, signinPage({ next, error: { code: WebErrorCode.SigninTokenRefused, message: refusals[principal] }, ...this.ssoLink() }));
      return;
    }
    const previous = sessionIdOf(request.headers.cookie);
    if (previous !== undefined) await this.sessions.close(previous);
    const session = await this.sessions.open(principal.tokenId);
    response.statusCode = 303;
    response.setHeader('Set-Cookie', sessionCookie(session.id, { secure: cameOverHttps(request), maxAgeSeconds: session.maxAgeSeconds }));
    response.setHeader('Location', next === '' ? homeOf(principal.role) : next);
    response.setHeader('Cache-Control', 'no-store');
    response.end();
  }

  private ssoLink(): { sso?: string } {
    return this.sso === undefined ? {} : { sso: this.sso };
  }

  /** Ends this browser's session and forgets its cookie, then 303 to the sign-in form. */
  @Post('signout')
  async signout(@Req() request: IncomingMessage, @Res() response: ServerResponse): Promise<void> {
    if (!isSameOrigin(request.headers)) {
      sendHtml(response, 403, messagePage('Refused', WebErrorCode.CrossOrigin, 'Signing out must be asked from this site’s own page.', true));
      return;
    }
    const id = sessionIdOf(request.headers.cookie);
    if (id !== undefined) await this.sessions.close(id);
    response.statusCode = 303;
    response.setHeader('Set-Cookie', clearedSessionCookie(cameOverHttps(request)));
    response.setHeader('Location', '/signin');
    response.setHeader('Cache-Control', 'no-store');
    response.end();
  }
}
