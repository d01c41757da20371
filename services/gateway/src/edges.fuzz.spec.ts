import { describe, expect, it } from '@jest/globals';
import type { FileRef } from '@relais/domain';
import { fuzz } from '@relais/testing';
import fc from 'fast-check';

import { acteFromMetadata } from './actes/acte-metadata.js';
import { parseAuditSearch } from './audit/audit-search.query.js';
import { ApiError } from './errors/api-error.js';
import { GatewayErrorCode } from './errors/error-codes.js';
import { parseSeriesQuery, parseStatsFilter } from './stats/stats-query.js';
import { parseListQuery } from './transmissions/list-query.js';
import { metadataJson } from './uploads/multipart-upload.js';
import { webhookUrlProblem } from './webhooks/webhook.dto.js';

// The gateway's pure edges, fed what a hostile client can send: the submission's metadata (any JSON,
// near-valid objects with one field replaced), the metadata part's text, every query string the
// parser of Express can produce (strings, repeated keys as arrays, `a[b]=` as objects) and webhook
// URLs. Each answers a value or a 4xx ApiError whose every code is a stable one, never another error.

const CODES: readonly string[] = Object.values(GatewayErrorCode);

/** Runs `parse`; rethrows anything but a 4xx ApiError with known codes. */
function answer<T>(parse: () => T): { ok: true; value: T } | { ok: false; status: number; codes: string[] } {
  try {
    return { ok: true, value: parse() };
  } catch (error) {
    if (error instanceof ApiError && error.status >= 400 && error.status < 500 && error.errors.every((e) => CODES.includes(e.code) && e.message !== '')) {
      return { ok: false, status: error.status, codes: error.errors.map((e) => e.code) };
    }
    throw error;
  }
}

const file = (name: string): FileRef => ({ blobId: `sha256:${'0'.repeat(64)}`, name, mediaType: 'application/pdf', size: 10, sha256: '0'.repeat(64) }) as unknown as FileRef;
const document = file('acte.pdf');

/** Keys that trip naive lookups in plain objects. */
const trickyKey = fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype');
const anyValue = fc.oneof(fc.jsonValue(), trickyKey, fc.constant(undefined), fc.double(), fc.constant(Number.NaN));

const VALID = {
  numeroInterne: 'DEL2026_001',
  dateDecision: '2026-11-27',
  nature: 'DE',
  classification: '7.1',
  objet: 'Budget primitif',
  documentPapier: false,
  typePJ: '99_DE',
  annexesTypePJ: ['22_AG'],
};

describe('the submission metadata (fuzzed)', () => {
  it('maps any JSON, or a valid object with fields replaced or added, to a submission or coded errors', async () => {
    const nearValid = fc
      .array(fc.tuple(fc.oneof(fc.constantFrom(...Object.keys(VALID)), trickyKey, fc.string()), anyValue), { maxLength: 4 })
      .map((changes) => {
        const metadata: Record<string, unknown> = { ...VALID };
        for (const [key, value] of changes) Object.defineProperty(metadata, key, { value, enumerable: true, writable: true, configurable: true });
        return metadata;
      });
    await fuzz(
      'gateway.acteFromMetadata',
      fc.property(fc.oneof(nearValid, fc.jsonValue(), fc.anything()), fc.array(fc.constant(file('annexe.pdf')), { maxLength: 3 }), (metadata, annexes) => {
        const mapping = acteFromMetadata(metadata, document, annexes);
        if (mapping.ok) {
          expect(typeof mapping.acte.numeroInterne).toBe('string');
        } else {
          expect(mapping.errors.length).toBeGreaterThan(0);
          for (const error of mapping.errors) {
            expect(CODES).toContain(error.code);
            expect(error.message).not.toBe('');
          }
        }
      }),
      { runs: 400 },
    );
  });

  it('reads the metadata part as JSON or answers 400 REQUEST.METADATA_NOT_JSON, deep nesting included', async () => {
    const text = fc.oneof(
      fc.string(),
      fc.json(),
      fc.nat({ max: 50_000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
      fc.nat({ max: 50_000 }).map((depth) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
      fc.nat({ max: 50_000 }).map((depth) => '['.repeat(depth)),
    );
    await fuzz(
      'gateway.metadataJson',
      fc.property(text, (part) => {
        const result = answer(() => metadataJson(part));
        if (!result.ok) expect(result).toEqual({ ok: false, status: 400, codes: ['REQUEST.METADATA_NOT_JSON'] });
      }),
      { runs: 150 },
    );
  });
});

/** What Express's query parser can give for one key: absent, a string, a repeated key, a nested object. */
const queryValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(undefined),
  fc.string(),
  fc.constantFrom('', 'acknowledged', 'acte', 'pes', '1', '0', '500', '-1', '1e3', '0x10', ' 5', '2026-03-01T09:30:00Z', '2026-02-30T25:61:00+99:99', '212102313', 'day', 'siren'),
  fc.array(fc.string(), { minLength: 2, maxLength: 3 }),
  fc.dictionary(fc.oneof(fc.string(), trickyKey), fc.string(), { maxKeys: 2 }),
);
const query = (keys: readonly string[]): fc.Arbitrary<Record<string, unknown>> =>
  fc.record(Object.fromEntries(keys.map((key) => [key, queryValue])), { requiredKeys: [] });

describe('query strings (fuzzed)', () => {
  const expectQueryRefusal = (result: ReturnType<typeof answer>): void => {
    if (!result.ok) {
      expect(result.status).toBe(400);
      expect(result.codes.every((code) => code === 'REQUEST.INVALID_QUERY' || code === 'STATS.TOO_MANY_POINTS')).toBe(true);
    }
  };

  it('GET /api/v1/transmissions: a page within bounds or 400 REQUEST.INVALID_QUERY', async () => {
    await fuzz(
      'gateway.parseListQuery',
      fc.property(query(['status', 'kind', 'limit', 'after']), (raw) => {
        const result = answer(() => parseListQuery(raw));
        expectQueryRefusal(result);
        if (result.ok) expect(result.value.limit).toBeGreaterThanOrEqual(1);
      }),
      { runs: 500 },
    );
  });

  it('the audit search, with its opaque cursor: a search or 400 REQUEST.INVALID_QUERY', async () => {
    const cursor = fc.oneof(
      fc.string(),
      fc.jsonValue().map((value) => Buffer.from(JSON.stringify(value)).toString('base64url')),
      fc.tuple(fc.oneof(fc.string(), fc.integer()), fc.oneof(fc.string(), fc.uuid())).map((pair) => Buffer.from(JSON.stringify(pair)).toString('base64url')),
    );
    await fuzz(
      'gateway.parseAuditSearch',
      fc.property(query(['siren', 'kind', 'status', 'q', 'from', 'to', 'limit']), fc.option(cursor, { nil: undefined }), (raw, after) => {
        expectQueryRefusal(answer(() => parseAuditSearch({ ...raw, after })));
      }),
      { runs: 500 },
    );
  });

  it('the statistics: filters and series or 400 REQUEST.INVALID_QUERY / STATS.TOO_MANY_POINTS', async () => {
    await fuzz(
      'gateway.parseStatsFilter/parseSeriesQuery',
      fc.property(query(['from', 'to', 'kind', 'departement', 'siren', 'bucket', 'by', 'limit']), (raw) => {
        expectQueryRefusal(answer(() => parseStatsFilter(raw)));
        expectQueryRefusal(answer(() => parseSeriesQuery(raw, new Date('2026-11-27T12:00:00Z'))));
      }),
      { runs: 500 },
    );
  });
});

describe('webhook URLs (fuzzed)', () => {
  it('says why a URL cannot serve, or lets through only an absolute http(s) URL with a host and nothing secret', async () => {
    await fuzz(
      'gateway.webhookUrlProblem',
      fc.property(fc.oneof(fc.webUrl({ withQueryParameters: true, withFragments: true }), fc.string(), fc.constantFrom('http://u:p@h/', 'javascript:alert(1)', 'file:///etc/passwd', 'http://[::1', 'https://')), (url) => {
        const problem = webhookUrlProblem(url);
        if (problem === undefined) {
          const parsed = new URL(url);
          expect(['http:', 'https:']).toContain(parsed.protocol);
          expect(parsed.hostname).not.toBe('');
          expect([parsed.username, parsed.password, parsed.hash]).toEqual(['', '', '']);
        } else {
          expect(problem).not.toBe('');
        }
      }),
      { runs: 500 },
    );
  });
});
