import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

/** Methods that change nothing: a cookie-authenticated request may use them from anywhere it is sent. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Whether `method` changes nothing. */
export function isSafeMethod(method: string | undefined): boolean {
  return SAFE_METHODS.has((method ?? 'GET').toUpperCase());
}

function hostOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.host.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether a browser request comes from one of our own pages: its `Origin` (or, when a browser sent
 * none, its `Referer`) names the host the request was sent to (`Host`). A missing or `null` origin is
 * not ours. The scheme is not compared: behind a TLS-terminating proxy the gateway sees plain HTTP while
 * the page's origin is https, and only a page on this very host can name it.
 */
export function isSameOrigin(headers: IncomingHttpHeaders): boolean {
  const host = headers.host?.toLowerCase();
  if (host === undefined || host === '') return false;
  const origin = headers.origin;
  if (origin !== undefined) return origin !== 'null' && hostOf(origin) === host;
  const referer = headers.referer;
  return referer !== undefined && hostOf(referer) === host;
}

/** Whether the request reached us over HTTPS, directly or through a proxy that says so. */
export function cameOverHttps(request: IncomingMessage): boolean {
  if ('encrypted' in request.socket && request.socket.encrypted === true) return true;
  const forwarded = request.headers['x-forwarded-proto'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim().toLowerCase();
  return first === 'https';
}

/**
 * Where to go after signing in: a path of this site (`/dashboard`, `/dashboard?x=1`), never another
 * site (`//evil.example`, `/\evil.example`, `https://…`), else `fallback`.
 */
export function localPath(next: unknown, fallback = '/dashboard'): string {
  if (typeof next !== 'string' || next.length > 512) return fallback;
  if (!/^\/(?![/\\])[\x21-\x7e]*$/.test(next)) return fallback;
  // The URL parser resolves `/./\evil` and friends: what it makes of the path must stay on our host.
  const resolved = new URL(next, 'http://relais.invalid');
  const path = `${resolved.pathname}${resolved.search}`;
  return resolved.host === 'relais.invalid' && !/^\/[/\\]/.test(path) ? path : fallback;
}
