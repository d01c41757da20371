import type { IncomingMessage, ServerResponse } from 'node:http';
import { cameOverHttps } from '../web/request-origin.js';

/**
 * The policy of every answer that is not one of our pages (JSON, files, errors, the event stream): it
 * loads nothing and may not be framed, so an answer opened by a browser as a document can run nothing.
 * The pages replace it with their own (`CONTENT_SECURITY_POLICY` in web/html.ts).
 */
export const NON_PAGE_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Two years, the value browsers' preload lists ask for. */
const HSTS = 'max-age=63072000; includeSubDomains';

/**
 * Sets the headers every answer carries before any handler runs, so that errors, 404s, refusals of the
 * guard and streamed files carry them too; a handler that knows better overrides one (the pages' policy,
 * the assets' `Cache-Control: no-cache`).
 *
 * - `Cache-Control: no-store`: answers are for one caller and often name personal data.
 * - `Referrer-Policy: same-origin`: no address of ours leaves for another site, while our own pages
 *   still send the `Referer` the cross-origin check falls back on when a browser sends no `Origin`.
 * - HSTS only over HTTPS (directly, or as the proxy says): sent over plain HTTP it means nothing, and
 *   a browser must not learn it from a spoofable answer.
 */
export function securityHeaders(request: IncomingMessage, response: ServerResponse, next: () => void): void {
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('X-Frame-Options', 'DENY');
  response.setHeader('Content-Security-Policy', NON_PAGE_CONTENT_SECURITY_POLICY);
  response.setHeader('Referrer-Policy', 'same-origin');
  response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  response.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  response.setHeader('Cache-Control', 'no-store');
  if (cameOverHttps(request)) response.setHeader('Strict-Transport-Security', HSTS);
  next();
}
