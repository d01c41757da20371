import { describe, expect, it } from '@jest/globals';
import canonicalize from 'canonicalize';
import { fastCanonical } from './canonical-json.js';

/** The exact path: what jsonb would give back, canonicalised. */
const exact = (value: unknown) => canonicalize(JSON.parse(JSON.stringify(value)));

/** A deterministic pseudo-random generator, so that a failure can be replayed. */
function generator(seed: number) {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const strings = ['', 'a', 'é', 'Z', '10', '2', 'ß', '\u00fc', '\u2028', '"\\/', '\t\n\r', '\u0001', '\uD83D\uDE00', 'Délibération', '__proto__'];
  const numbers = [0, -0, 1, -1, 0.1, 1 / 3, 1e21, 1e-7, 123456789012345680000, 5e-324, 1.7976931348623157e308, -2.5, 4.35, 2 ** 53];
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const value = (depth: number): unknown => {
    const r = next();
    if (depth > 3 || r < 0.4) return pick<unknown>([...strings, ...numbers, true, false, null]);
    if (r < 0.6) return Array.from({ length: Math.floor(next() * 4) }, () => value(depth + 1));
    const object: Record<string, unknown> = {};
    for (let i = Math.floor(next() * 5); i > 0; i--) Object.defineProperty(object, pick(strings) + pick(strings), { value: value(depth + 1), enumerable: true, configurable: true, writable: true });
    return object;
  };
  return () => value(0);
}

describe('fastCanonical', () => {
  it('equals the exact path on plain JSON values (2,000 generated)', () => {
    const random = generator(42);
    for (let i = 0; i < 2000; i++) {
      const value = random();
      expect(fastCanonical(value)).toBe(exact(value));
    }
  });

  it('leaves out undefined members as JSON.stringify does', () => {
    expect(fastCanonical({ b: 1, a: undefined })).toBe('{"b":1}');
  });

  it('hands anything else to the exact path', () => {
    class Acte {
      readonly id = 1;
    }
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    for (const value of [
      { n: Number.NaN },
      { n: Infinity },
      { d: new Date(0) },
      { a: new Acte() },
      { s: '\uD800' },
      { s: 'a\u0000' },
      { 'k\uDC00': 1 },
      { f: () => 1 },
      { b: 1n },
      { sparse: [1, , 3] },
      { u: [undefined] },
      { toJSON: () => 'x' },
      cyclic,
    ]) {
      expect(fastCanonical(value)).toBeUndefined();
    }
  });
});
