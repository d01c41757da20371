import type { ServerResponse } from 'node:http';

/** Text made safe to put in HTML content and in double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0).toString()};`);
}

/**
 * The pages' Content-Security-Policy: scripts, styles and connections from this site only (no inline
 * script or style, no eval), no plugin, no framing, forms posted only here.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "font-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/** Headers of every page and asset: the policy, no sniffing, no referrer outside, not framed. */
export function setPageHeaders(response: ServerResponse): void {
  response.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('Referrer-Policy', 'same-origin');
  response.setHeader('X-Frame-Options', 'DENY');
  response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
}

/** Sends a server-made HTML page, never cached (it may show who is signed in). */
export function sendHtml(response: ServerResponse, status: number, html: string, headers: Readonly<Record<string, string | string[]>> = {}): void {
  setPageHeaders(response);
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  response.setHeader('Cache-Control', 'no-store');
  response.setHeader('Content-Type', 'text/html; charset=utf-8');
  response.statusCode = status;
  response.end(html);
}

/** A small page of this site: the shared stylesheet, a title, and `body` (already HTML). */
export function pageShell(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Relais</title>
<link rel="stylesheet" href="/dashboard/assets/relais.css">
<link rel="icon" href="/dashboard/assets/favicon.svg" type="image/svg+xml">
</head>
<body class="narrow">
<main class="card-page">
<h1 class="brand">Relais</h1>
${body}
</main>
</body>
</html>
`;
}

/** What the sign-in form shows. */
export interface SigninForm {
  /** Where to go once signed in (already checked to be a path of this site); empty: the signed-in role's page. */
  readonly next: string;
  /** Why the last attempt failed, with its stable code. */
  readonly error?: { readonly code: string; readonly message: string };
  /** The single sign-on provider's name, when one is configured: a link to sign in through it. */
  readonly sso?: string;
}

/** The sign-in page: one field, `token`, posted to `/signin` with where to go next. */
export function signinPage(form: SigninForm): string {
  const error =
    form.error === undefined
      ? ''
      : `<p class="alert" role="alert" data-code="${escapeHtml(form.error.code)}">${escapeHtml(form.error.message)}</p>\n`;
  return pageShell(
    'Sign in',
    `<h2>Sign in</h2>
<p class="muted">Paste the API token you were given. It is sent once, here; the pages then use a session of this browser, which ends when you sign out, after 30 minutes without use, after 12 hours, or when the token is revoked.</p>
${error}<form method="post" action="/signin" class="signin" autocomplete="off">
<label for="token">Token</label>
<input id="token" name="token" type="password" required spellcheck="false" autocapitalize="off" autofocus${form.error === undefined ? '' : ' aria-invalid="true"'}>
<input type="hidden" name="next" value="${escapeHtml(form.next)}">
<button type="submit">Sign in</button>
</form>${form.sso === undefined ? '' : `\n<p><a class="sso" href="/signin/oidc${form.next === '' ? '' : `?next=${encodeURIComponent(form.next)}`}">Sign in with ${escapeHtml(form.sso)}</a></p>`}`,
  );
}

/** A refusal or failure as a page: what happened, its code, and a way on. */
export function messagePage(title: string, code: string, message: string, signedIn: boolean): string {
  const action = signedIn
    ? `<form method="post" action="/signout"><button type="submit">Sign out and use another token</button></form>`
    : `<p><a href="/signin">Sign in</a></p>`;
  return pageShell(title, `<h2>${escapeHtml(title)}</h2>\n<p class="alert" role="alert" data-code="${escapeHtml(code)}">${escapeHtml(message)}</p>\n${action}`);
}
