import canonicalize from 'canonicalize';
import { fastCanonical } from './canonical-json.js';
import { InvalidAppendError } from './errors.js';
import type { CanonicalParts } from './hash.js';
import type { ExpectedVersion, JsonObject, JsonValue, NewEvent } from './types.js';

/** An event checked and normalised once, when the append is handed over, before any batch sees it. */
export interface PreparedEvent {
  /** Lower-case, as PostgreSQL's uuid type gives it back. */
  readonly eventId: string;
  readonly type: string;
  /** JSON text sent to the jsonb column. */
  readonly dataJson: string;
  readonly metadataJson: string;
  readonly canonical: CanonicalParts;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Validates an append and normalises its payloads to what jsonb will give back, so the hash computed
 * now equals the hash an auditor recomputes from the stored row. A bad append is refused here, alone:
 * inside a group-commit batch it would fail the whole transaction.
 */
export function prepareAppend(streamId: string, expected: ExpectedVersion, events: readonly NewEvent[]): PreparedEvent[] {
  function fail(reason: string): never {
    throw new InvalidAppendError(streamId, reason);
  }
  if (typeof streamId !== 'string' || streamId.length === 0) fail('the stream id must be a non-empty string');
  checkText(streamId, 'stream id', fail);
  checkExpected(expected, fail);
  if (events.length === 0) fail('an append needs at least one event');
  const seen = new Set<string>();
  const streamIdCanonical = canonicalText(streamId, 'stream id', fail);
  return events.map((event, index) => {
    const eventId = typeof event.eventId === 'string' ? event.eventId.toLowerCase() : '';
    if (!UUID.test(eventId)) fail(`event #${index}: eventId must be a uuid (8-4-4-4-12 hex)`);
    if (seen.has(eventId)) fail(`event #${index}: eventId ${eventId} appears twice in the append`);
    seen.add(eventId);
    if (typeof event.type !== 'string' || event.type.length === 0) fail(`event #${index}: type must be a non-empty string`);
    checkText(event.type, `event #${index} type`, fail);
    const data = normalise(event.data, `event #${index} data`, fail);
    const metadata = normalise(event.metadata ?? {}, `event #${index} metadata`, fail);
    return {
      eventId,
      type: event.type,
      dataJson: data.json,
      metadataJson: metadata.json,
      canonical: {
        streamId: streamIdCanonical,
        eventId: `"${eventId}"`,
        type: canonicalText(event.type, `event #${index} type`, fail),
        data: data.canonical,
        metadata: metadata.canonical,
      },
    };
  });
}

function checkExpected(expected: ExpectedVersion, fail: (reason: string) => never): void {
  if (expected === 'any' || expected === 'no_stream' || expected === 'stream_exists') return;
  if (typeof expected === 'bigint' && expected >= 0n) return;
  if (typeof expected === 'number' && Number.isSafeInteger(expected) && expected >= 0) return;
  fail(`invalid expected version ${String(expected)}`);
}

/**
 * The JSON text to store and its canonical form. Plain JSON goes through `fastCanonical`; anything
 * else round-trips through JSON text (dropping `undefined`, turning NaN into null, applying `toJSON`,
 * exactly as the text sent to PostgreSQL does) and that normalised value is canonicalised.
 */
function normalise(value: unknown, what: string, fail: (reason: string) => never): { json: string; canonical: string } {
  const fast = fastCanonical(value);
  // The canonical text is valid JSON with the same meaning: jsonb gets it as is.
  if (fast?.startsWith('{')) return { json: fast, canonical: fast };
  let json: string | undefined;
  try {
    json = jsonText(value);
  } catch (error) {
    fail(`${what} is not JSON-serialisable: ${(error as Error).message}`);
  }
  if (json === undefined || !json.startsWith('{')) fail(`${what} must be a JSON object`);
  const parsed = JSON.parse(json) as JsonObject;
  // jsonb refuses U+0000; the cheap test on the text only rarely needs the exact walk.
  if (json.includes('\\u0000') && containsNul(parsed)) fail(`${what} contains U+0000, which jsonb cannot store`);
  let canonical: string | undefined;
  try {
    canonical = canonicalize(parsed);
  } catch (error) {
    fail(`${what} cannot be canonicalised (RFC 8785): ${(error as Error).message}`);
  }
  if (canonical === undefined) fail(`${what} cannot be canonicalised`);
  return { json, canonical };
}

/** `JSON.stringify` is typed `string`, but gives undefined for undefined, functions and symbols. */
function jsonText(value: unknown): string | undefined {
  return JSON.stringify(value);
}

function containsNul(value: JsonValue): boolean {
  if (typeof value === 'string') return value.includes('\0');
  if (Array.isArray(value)) return value.some(containsNul);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).some(([key, v]) => key.includes('\0') || containsNul(v));
  }
  return false;
}

function checkText(text: string, what: string, fail: (reason: string) => never): void {
  if (text.includes('\0')) fail(`${what} contains U+0000, which PostgreSQL text cannot store`);
}

function canonicalText(text: string, what: string, fail: (reason: string) => never): string {
  const fast = fastCanonical(text);
  if (fast !== undefined) return fast;
  let canonical: string | undefined;
  try {
    canonical = canonicalize(text);
  } catch (error) {
    fail(`${what} cannot be canonicalised (RFC 8785): ${(error as Error).message}`);
  }
  return canonical ?? fail(`${what} cannot be canonicalised`);
}
