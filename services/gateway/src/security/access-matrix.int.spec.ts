import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication, Type } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { AccessFixtures, REQUESTS, send, type MatrixAnswer } from '../../test/access.js';
import { startGateway, type TestGateway } from '../../test/gateway.js';
import { openApiDocument } from '../openapi/openapi.document.js';
import { routeAccessOf } from '../openapi/route-access.js';
import { ACCESS_TABLE, IDENTITIES, MATRIX_SIZE, rolesAllowed, type AccessRule, type Expected, type Identity } from './access-table.js';

let gw: TestGateway;
let fixtures: AccessFixtures;
const answers = new Map<string, MatrixAnswer>();
/** The bodies of the HTML answers, by cell. */
const pages = new Map<string, string>();
const cell = (route: string, identity: Identity): string => `${route} as ${identity}`;
const statusOf = (expected: Expected): number => (typeof expected === 'number' ? expected : expected.status);

/** Every `METHOD /path` the running app's router serves, in OpenAPI's spelling. */
function servedRoutes(app: INestApplication): string[] {
  interface Layer {
    readonly route?: { readonly path: string; readonly methods: Record<string, boolean> };
  }
  const express = app.getHttpAdapter().getInstance() as { router: { stack: readonly Layer[] } };
  return express.router.stack.flatMap((layer) =>
    layer.route === undefined
      ? []
      : Object.keys(layer.route.methods)
          .filter((method) => method !== '_all')
          .map((method) => `${method.toUpperCase()} ${layer.route!.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`),
  );
}

beforeAll(async () => {
  // Generous limits: the matrix sends a few hundred requests, many with refused tokens, from one address.
  gw = await startGateway({ settings: { rateLimitPerSecond: 100_000, rateLimitBurst: 100_000, authFailureBurst: 100_000 } });
  fixtures = new AccessFixtures(gw);
  await fixtures.setUp();
  for (const rule of ACCESS_TABLE) {
    const build = REQUESTS[rule.route];
    if (build === undefined) continue; // reported by the first test
    // The eight callers of one route at once: each call that succeeds has a fixture of its own.
    await Promise.all(
      IDENTITIES.map(async (identity) => {
        const allowed = statusOf(rule.expect[identity]) < 400;
        const request = await build(fixtures, identity, allowed);
        const answer = await send(gw, fixtures, identity, rule.credential, request);
        answers.set(cell(rule.route, identity), answer);
        if (answer.body !== undefined && answer.contentType.startsWith('text/html')) pages.set(cell(rule.route, identity), answer.body);
      }),
    );
  }
}, 180_000);

afterAll(async () => {
  fixtures.tearDown();
  await gw.close();
});

describe(`access matrix: ${ACCESS_TABLE.length} routes × ${IDENTITIES.length} identities = ${MATRIX_SIZE} cells`, () => {
  it('covers every route the running app serves, and nothing it does not', () => {
    const served = servedRoutes(gw.app).sort();
    expect(served).toEqual(ACCESS_TABLE.map((rule) => rule.route).sort());
    expect(Object.keys(REQUESTS).sort()).toEqual(served);
  });

  it('answers each identity on each route with exactly the status of the table (and the sign-in redirections their Location)', () => {
    const mismatches: string[] = [];
    for (const rule of ACCESS_TABLE) {
      for (const identity of IDENTITIES) {
        const answer = answers.get(cell(rule.route, identity));
        const expected = rule.expect[identity];
        const want = typeof expected === 'number' ? `${expected}` : `${expected.status} → ${expected.location}`;
        const got = answer === undefined ? 'not sent' : typeof expected === 'number' ? `${answer.status}` : `${answer.status} → ${answer.location ?? ''}`;
        if (want !== got) mismatches.push(`${cell(rule.route, identity)}: expected ${want}, got ${got}`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(answers.size).toBe(MATRIX_SIZE);
  });

  it('documents in the OpenAPI x-roles exactly the roles the guard lets in, which are those of the table (and no hand-written x-roles says otherwise)', async () => {
    const controllers = gw.app
      .get(DiscoveryService)
      .getControllers()
      .map((wrapper) => wrapper.metatype as Type);
    const guard = new Map(routeAccessOf(controllers, gw.app.get(Reflector)).map((r) => [`${r.method} ${r.path}`, r.access]));
    const response = await gw.call('/api/v1/openapi.json', { token: fixtures.token('auditor') });
    const document = (await response.json()) as { paths: Record<string, Record<string, { 'x-roles'?: string[] }>> };

    const differences: string[] = [];
    const check = (rule: AccessRule): void => {
      const [method = '', path = ''] = rule.route.split(' ');
      const documented = document.paths[path]?.[method.toLowerCase()];
      const table = rule.public === true ? 'public' : rolesAllowed(rule).join(',');
      const enforced = guard.get(rule.route);
      const enforcedText = enforced === 'public' ? 'public' : (enforced ?? ['missing']).join(',');
      const documentedText = documented === undefined ? 'undocumented' : (documented['x-roles'] ?? ['public']).slice().sort().join(',');
      if (new Set([table, enforcedText, documentedText]).size !== 1) {
        differences.push(`${rule.route}: table ${table}, guard ${enforcedText}, OpenAPI ${documentedText}`);
      }
      // The source's own x-roles are replaced when served; where one is still written, it must not mislead a reader.
      const written = (openApiDocument.paths as Record<string, Record<string, { 'x-roles'?: readonly string[] }> | undefined>)[path]?.[method.toLowerCase()]?.['x-roles'];
      if (written !== undefined && [...written].sort().join(',') !== table) differences.push(`${rule.route}: written x-roles ${written.join(',')}, table ${table}`);
    };
    ACCESS_TABLE.forEach(check);
    expect(differences).toEqual([]);
  });

  it('puts the security headers on every answer: successes, refusals, redirections, files, pages and the live stream', () => {
    const faults: string[] = [];
    for (const [name, answer] of answers) {
      const h = answer.headers;
      const isPage = answer.contentType.startsWith('text/html');
      const csp = h.get('content-security-policy') ?? '';
      const want: [string, boolean][] = [
        ['X-Content-Type-Options: nosniff', h.get('x-content-type-options') === 'nosniff'],
        ['X-Frame-Options: DENY', h.get('x-frame-options') === 'DENY'],
        ["CSP frame-ancestors 'none'", csp.includes("frame-ancestors 'none'")],
        ["CSP default-src 'none'", csp.includes("default-src 'none'")],
        ['no inline script allowed', !csp.includes('unsafe-inline') && !csp.includes('unsafe-eval')],
        ['Referrer-Policy: same-origin', h.get('referrer-policy') === 'same-origin'],
        // The assets are public and the same for everyone: revalidated, not forbidden to cache.
        ['Cache-Control: no-store', h.get('cache-control') === (name.startsWith('GET /dashboard/assets/') && answer.status === 200 ? 'no-cache' : 'no-store')],
        ['no X-Powered-By', !h.has('x-powered-by')],
        ['no HSTS over plain HTTP', !h.has('strict-transport-security')],
        ["pages: scripts from 'self' only", !isPage || csp.includes("script-src 'self'")],
      ];
      for (const [what, ok] of want) if (!ok) faults.push(`${name} (${answer.status}): ${what}`);
    }
    expect(faults).toEqual([]);
    expect(answers.size).toBe(MATRIX_SIZE);
  });

  it('serves pages that need nothing the policy forbids: no inline script, style or event handler', () => {
    expect(pages.size).toBeGreaterThan(0);
    const inline = [...pages].filter(([, html]) => /<script(?![^>]*\ssrc=)[^>]*>|<style[\s>]|\sstyle=|\son[a-z]+=/i.test(html)).map(([name]) => name);
    expect(inline).toEqual([]);
  });
});
