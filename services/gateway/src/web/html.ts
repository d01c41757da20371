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

/** A small page of this site: the shared stylesheet, a title, and `body` (already HTML) in `lang`. */
export function pageShell(title: string, body: string, lang: 'en' | 'fr' = 'en'): string {
  return `<!doctype html>
<html lang="${lang}">
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

/**
 * The sign-in page: one field, `token`, posted to `/signin` with where to go next. In French first
 * (most who sign in are secrétaires de mairie), with a line in English for the GIP's other staff.
 */
export function signinPage(form: SigninForm): string {
  const error =
    form.error === undefined
      ? ''
      : `<p class="alert" role="alert" data-code="${escapeHtml(form.error.code)}">${escapeHtml(form.error.message)}</p>\n`;
  return pageShell(
    'Connexion',
    `<h2>Connexion</h2>
<p class="muted">Collez le jeton qui vous a été remis. Il n’est envoyé qu’une fois, ici ; les pages utilisent ensuite une session de ce navigateur, qui prend fin quand vous vous déconnectez, après 30 minutes sans activité, après 12 heures, ou quand le jeton est révoqué.</p>
<p class="muted" lang="en">Sign in with the API token you were given.</p>
${error}<form method="post" action="/signin" class="signin" autocomplete="off">
<label for="token">Jeton <span lang="en">(token)</span></label>
<input id="token" name="token" type="password" required spellcheck="false" autocapitalize="off" autofocus${form.error === undefined ? '' : ' aria-invalid="true"'}>
<input type="hidden" name="next" value="${escapeHtml(form.next)}">
<button type="submit">Se connecter</button>
</form>${form.sso === undefined ? '' : `\n<p><a class="sso" href="/signin/oidc${form.next === '' ? '' : `?next=${encodeURIComponent(form.next)}`}">Se connecter avec ${escapeHtml(form.sso)}</a></p>`}`,
    'fr',
  );
}

/** A refusal or failure as a page: what happened, its code, and a way on. */
export function messagePage(title: string, code: string, message: string, signedIn: boolean): string {
  const action = signedIn
    ? `<form method="post" action="/signout"><button type="submit">Sign out and use another token</button></form>`
    : `<p><a href="/signin">Sign in</a></p>`;
  return pageShell(title, `<h2>${escapeHtml(title)}</h2>\n<p class="alert" role="alert" data-code="${escapeHtml(code)}">${escapeHtml(message)}</p>\n${action}`);
}
