import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorAnswer } from '../errors/api-exception.filter.js';
import { GatewayErrorCode } from '../errors/error-codes.js';
import { clearedSessionCookie, sessionIdOf } from './cookies.js';
import { messagePage, sendHtml } from './html.js';
import { cameOverHttps, localPath } from './request-origin.js';
import { WebErrorCode } from './web-error-codes.js';

const titles: Readonly<Partial<Record<number, string>>> = {
  403: 'Not for this role',
  404: 'Not found',
  429: 'Too many requests',
};

/** Who each page is for, by the start of its path, as its refusal says. */
const AUDIENCES: readonly (readonly [string, string])[] = [
  ['/audit', 'auditors and administrators'],
  ['/dashboard', 'supervisors and administrators'],
];

function audienceOf(url: string | undefined): string {
  const path = (url ?? '').split('?')[0] ?? '';
  return AUDIENCES.find(([prefix]) => path === prefix || path.startsWith(`${prefix}/`))?.[1] ?? 'other roles';
}

/** `/signin?next=<path>`, the path kept readable (`/signin?next=/dashboard`). */
export function signinLocation(path: string): string {
  return `/signin?next=${encodeURIComponent(localPath(path)).replace(/%2F/g, '/')}`;
}

/**
 * Refusals of the web pages, as pages: no session (or one that ended) goes to the sign-in form and
 * comes back afterwards; a role that may not see the page gets a 403 page offering to sign out;
 * anything else a page with its status and stable code.
 */
@Catch()
export class WebPageFilter implements ExceptionFilter {
  private readonly logger = new Logger('Gateway');

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<IncomingMessage>();
    const response = host.switchToHttp().getResponse<ServerResponse>();
    const answer = errorAnswer(exception);
    if (answer.status >= 500) this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    if (response.headersSent) {
      response.destroy();
      return;
    }
    const detail = answer.errors[0] ?? { code: GatewayErrorCode.Internal, message: 'Internal error' };
    const hadSession = sessionIdOf(request.headers.cookie) !== undefined;
    if (answer.status === 401) {
      response.statusCode = 303;
      response.setHeader('Location', signinLocation(request.url ?? '/dashboard'));
      response.setHeader('Cache-Control', 'no-store');
      // A cookie that opens nothing any more is forgotten.
      if (detail.code === WebErrorCode.SessionEnded) response.setHeader('Set-Cookie', clearedSessionCookie(cameOverHttps(request)));
      response.end();
      return;
    }
    const title = titles[answer.status] ?? (answer.status >= 500 ? 'Something went wrong' : 'Refused');
    const message = detail.code === GatewayErrorCode.Forbidden ? `This page is for ${audienceOf(request.url)}. ${detail.message}.` : detail.message;
    sendHtml(response, answer.status, messagePage(title, detail.code, message, hadSession), { ...answer.headers });
  }
}
