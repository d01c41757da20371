import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freePort } from '@relais/testing/ports';
import Provider from 'oidc-provider';
import { startGateway, type TestGateway } from '../../test/gateway.js';

/**
 * A real OpenID Connect provider (node-oidc-provider) on loopback, with its development login and
 * consent pages: the account id typed at login is the address it vouches for, given at its userinfo
 * endpoint (as ProConnect does), not in the ID token.
 */
function startProvider(port: number, redirectUri: string): Server {
  const provider = new Provider(`http://127.0.0.1:${String(port)}`, {
    clients: [{ client_id: 'relais', client_secret: 'relais-test-secret', redirect_uris: [redirectUri], grant_types: ['authorization_code'], response_types: ['code'] }],
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    findAccount: (_ctx, sub) => Promise.resolve({ accountId: sub, claims: () => Promise.resolve({ sub, email: sub, email_verified: true }) }),
    cookies: { keys: ['relais-oidc-test'] },
  });
  return provider.listen(port, '127.0.0.1');
}

/** Cookies of one site, as a browser keeps them. */
class Jar {
  private readonly cookies = new Map<string, string>();
  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair?.indexOf('=') ?? -1;
      if (pair === undefined || at < 1) continue;
      const value = pair.slice(at + 1);
      if (value === '' || /max-age=0/i.test(line)) this.cookies.delete(pair.slice(0, at));
      else this.cookies.set(pair.slice(0, at), value);
    }
  }
  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
  get(name: string): string | undefined {
    return this.cookies.get(name);
  }
}

/** The inputs of the page's form, its action filled with `fill`. */
function formOf(html: string, fill: Record<string, string>): { action: string; body: URLSearchParams } {
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
  if (action === undefined) throw new Error(`no form in ${html.slice(0, 300)}`);
  const body = new URLSearchParams();
  for (const input of html.matchAll(/<input[^>]*>/g)) {
    const name = /name="([^"]+)"/.exec(input[0])?.[1];
    if (name !== undefined) body.set(name, fill[name] ?? /value="([^"]*)"/.exec(input[0])?.[1] ?? '');
  }
  return { action, body };
}

let gw: TestGateway;
let provider: Server;
let issuer: string;

beforeAll(async () => {
  const [gatewayPort, providerPort] = [await freePort(), await freePort()];
  issuer = `http://127.0.0.1:${String(providerPort)}`;
  const redirectUri = `http://127.0.0.1:${String(gatewayPort)}/signin/oidc/callback`;
  provider = startProvider(providerPort, redirectUri);
  await new Promise<void>((resolve) => provider.once('listening', resolve));
  gw = await startGateway({ settings: { port: gatewayPort, oidc: { issuer, clientId: 'relais', clientSecret: 'relais-test-secret', redirectUri, name: 'ProConnect' } } });
});

afterAll(async () => {
  await gw.close();
  await new Promise<void>((resolve) => {
    provider.close(() => {
      resolve();
    });
  });
});

/**
 * A browser signing in through the provider as `account`: the gateway's redirection, the provider's
 * login and consent pages, back to the gateway's callback. Returns the callback's answer and the
 * gateway's cookies.
 */
async function signInThroughProvider(account: string, next = ''): Promise<{ answer: Response; jar: Jar }> {
  const ours = new Jar();
  const theirs = new Jar();
  const start = await gw.call(`/signin/oidc${next === '' ? '' : `?next=${encodeURIComponent(next)}`}`, { redirect: 'manual' });
  expect(start.status).toBe(303);
  ours.take(start);
  let url = new URL(start.headers.get('location') ?? '');
  expect(url.origin).toBe(issuer);
  let init: RequestInit = {};
  for (let hop = 0; hop < 20; hop++) {
    if (url.origin !== issuer) break;
    const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string> | undefined), cookie: theirs.header() } });
    theirs.take(response);
    init = {};
    const location = response.headers.get('location');
    if (location !== null) {
      url = new URL(location, url);
      continue;
    }
    const page = await response.text();
    const form = formOf(page, { login: account, password: 'anything' });
    url = new URL(form.action, url);
    init = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.body.toString() };
  }
  expect(url.pathname).toBe('/signin/oidc/callback');
  const answer = await gw.call(`${url.pathname}${url.search}`, { redirect: 'manual', headers: { cookie: ours.header() } });
  ours.take(answer);
  return { answer, jar: ours };
}

describe('single sign-on through OpenID Connect', () => {
  it('offers the provider on the sign-in form', async () => {
    const form = await (await gw.call('/signin?next=/audit')).text();
    expect(form).toContain('<a class="sso" href="/signin/oidc?next=%2Faudit">Se connecter avec ProConnect</a>');
  });

  it('signs in a named user the provider vouches for, opens a web session, and signs out', async () => {
    const siren = await gw.registerCollectivite();
    const created = await gw.call('/api/v1/admin/users', {
      method: 'POST',
      token: gw.adminToken,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'Superviseure@GIP.example.org', name: 'Anne Morel', role: 'supervisor' }),
    });
    expect(created.status).toBe(201);
    expect(siren).toMatch(/^\d{9}$/);

    const { answer, jar } = await signInThroughProvider('superviseure@gip.example.org');
    expect(answer.status).toBe(200);
    expect(await answer.text()).toContain('<meta http-equiv="refresh" content="0;url=/dashboard">');
    const session = jar.get('relais_session');
    expect(session).toBeDefined();
    // The session works for the supervisor's page and the API the page calls.
    const page = await gw.call('/dashboard', { redirect: 'manual', headers: { cookie: `relais_session=${session ?? ''}` } });
    expect(page.status).toBe(200);
    expect((await gw.call('/api/v1/stats/summary', { headers: { cookie: `relais_session=${session ?? ''}` } })).status).toBe(200);

    // Signing out ends it.
    const out = await gw.call('/signout', { method: 'POST', redirect: 'manual', headers: { cookie: `relais_session=${session ?? ''}`, origin: gw.base } });
    expect(out.status).toBe(303);
    expect((await gw.call('/dashboard', { redirect: 'manual', headers: { cookie: `relais_session=${session ?? ''}` } })).status).toBe(303);
  });

  it('ends the session at once when the user is disabled (their tokens revoked)', async () => {
    const created = await gw.call('/api/v1/admin/users', {
      method: 'POST',
      token: gw.adminToken,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'auditeur@crc.example.org', name: 'Luc Roux', role: 'auditor' }),
    });
    const user = (await created.json()) as { id: string };
    const { answer, jar } = await signInThroughProvider('auditeur@crc.example.org', '/audit');
    expect(await answer.text()).toContain('url=/audit');
    const cookie = `relais_session=${jar.get('relais_session') ?? ''}`;
    expect((await gw.call('/api/v1/audit/verify', { headers: { cookie } })).status).toBe(200);
    expect((await gw.call(`/api/v1/admin/users/${user.id}`, { method: 'DELETE', token: gw.adminToken })).status).toBe(204);
    const after = await gw.call('/api/v1/audit/verify', { headers: { cookie } });
    expect(after.status).toBe(401);
  });

  it('refuses an address no active user has, and an answer that matches no sign-in of this browser', async () => {
    const { answer } = await signInThroughProvider('personne@nulle-part.example.org');
    expect(answer.status).toBe(403);
    expect(await answer.text()).toContain('SIGNIN.SSO_UNKNOWN_USER');
    const forged = await gw.call('/signin/oidc/callback?code=abc&state=forged', { redirect: 'manual' });
    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain('SIGNIN.SSO_STATE_MISMATCH');
  });
});
