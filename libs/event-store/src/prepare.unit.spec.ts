import { describe, expect, it } from '@jest/globals';
import { InvalidAppendError } from './errors.js';
import { prepareAppend } from './prepare.js';
import type { ExpectedVersion, NewEvent } from './types.js';

const id = '6f1c2a7e-0000-4000-8000-000000000001';
const ok: NewEvent = { eventId: id, type: 'T', data: { a: 1 } };

function refusal(streamId: string, expected: ExpectedVersion, events: readonly NewEvent[]): string {
  try {
    prepareAppend(streamId, expected, events);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidAppendError);
    expect((error as InvalidAppendError).code).toBe('EVENT_STORE.INVALID_APPEND');
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('prepareAppend', () => {
  it('normalises what jsonb and the uuid type would change', () => {
    const [event] = prepareAppend('s', 'any', [
      { eventId: id.toUpperCase(), type: 'T', data: { b: undefined, n: Number.NaN, d: new Date(0) } as never },
    ]);
    expect(event!.eventId).toBe(id);
    expect(event!.dataJson).toBe('{"n":null,"d":"1970-01-01T00:00:00.000Z"}');
    expect(event!.canonical.data).toBe('{"d":"1970-01-01T00:00:00.000Z","n":null}');
    expect(event!.metadataJson).toBe('{}');
  });

  it('refuses malformed appends before they can fail a whole batch', () => {
    expect(refusal('s', 'any', [])).toMatch(/at least one event/);
    expect(refusal('', 'any', [ok])).toMatch(/stream id/);
    expect(refusal('s', -1, [ok])).toMatch(/expected version/);
    expect(refusal('s', 1.5, [ok])).toMatch(/expected version/);
    expect(refusal('s', 'any', [{ ...ok, eventId: 'not-a-uuid' }])).toMatch(/uuid/);
    expect(refusal('s', 'any', [ok, { ...ok }])).toMatch(/twice/);
    expect(refusal('s', 'any', [{ ...ok, type: '' }])).toMatch(/type/);
    expect(refusal('s', 'any', [{ ...ok, data: [] as never }])).toMatch(/JSON object/);
    expect(refusal('s', 'any', [{ ...ok, data: { s: 'a\u0000b' } }])).toMatch(/U\+0000/);
    expect(refusal('s', 'any', [{ ...ok, data: { s: '\uD800' } }])).toMatch(/canonicalised/);
    expect(refusal('s\u0000', 'any', [ok])).toMatch(/U\+0000/);
  });

  it('accepts a literal backslash-u0000 text, which is not a NUL', () => {
    expect(() => prepareAppend('s', 'any', [{ ...ok, data: { s: '\\u0000' } }])).not.toThrow();
  });
});
