/** The name of the web session's cookie. */
export const SESSION_COOKIE = 'relais_session';

/** What a session id looks like: 32 random bytes in base64url (see `newSessionId`). */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/**
 * The cookies of a `Cookie` header, by name (RFC 6265 §5.4: `name=value` pairs separated by `;`).
 * Pairs without `=` are skipped; a value in double quotes loses them; the first of two equal names
 * wins, as browsers send the most specific cookie first. Values are not percent-decoded: ours never
 * need it and decoding would make two spellings of one id.
 */
export function parseCookies(header: string | undefined): ReadonlyMap<string, string> {
  const cookies = new Map<string, string>();
  if (header === undefined) return cookies;
  for (const pair of header.split(';')) {
    const equals = pair.indexOf('=');
    if (equals <= 0) continue;
    const name = pair.slice(0, equals).trim();
    let value = pair.slice(equals + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (name !== '' && !cookies.has(name)) cookies.set(name, value);
  }
  return cookies;
}

/** The session id a `Cookie` header carries, when it carries one shaped like ours. */
export function sessionIdOf(header: string | undefined): string | undefined {
  const value = parseCookies(header).get(SESSION_COOKIE);
  return value !== undefined && SESSION_ID.test(value) ? value : undefined;
}

/** Attributes of the session cookie. */
export interface SessionCookieOptions {
  /** Set when the request came over HTTPS, so that the browser never sends it in clear. */
  readonly secure: boolean;
  /** How long the browser keeps it; the server's own limits decide whether it is still good. */
  readonly maxAgeSeconds: number;
}

/**
 * The `Set-Cookie` value opening a session: HttpOnly (no script reads it), SameSite=Strict (no other
 * site's page makes the browser send it), Path=/ (the pages and the API share it).
 */
export function sessionCookie(id: string, options: SessionCookieOptions): string {
  const attributes = [`${SESSION_COOKIE}=${id}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${Math.max(0, Math.floor(options.maxAgeSeconds))}`];
  if (options.secure) attributes.push('Secure');
  return attributes.join('; ');
}

/** The `Set-Cookie` value that makes the browser forget the session cookie. */
export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie('', { secure, maxAgeSeconds: 0 });
}
