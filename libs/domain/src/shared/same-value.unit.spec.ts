import { describe, expect, it } from '@jest/globals';
import { sameValue } from './same-value.js';

describe('sameValue', () => {
  it('compares primitives by value', () => {
    expect(sameValue('a', 'a')).toBe(true);
    expect(sameValue(1, 2)).toBe(false);
    expect(sameValue(null, undefined)).toBe(false);
  });

  it('compares arrays item by item, in order', () => {
    expect(sameValue([1, { a: 2 }], [1, { a: 2 }])).toBe(true);
    expect(sameValue([1, 2], [2, 1])).toBe(false);
    expect(sameValue([1], [1, 1])).toBe(false);
    expect(sameValue([], {})).toBe(false);
  });

  it('compares objects key by key, an undefined property counting as absent', () => {
    expect(sameValue({ a: 1, b: { c: 'x' } }, { b: { c: 'x' }, a: 1 })).toBe(true);
    expect(sameValue({ a: 1, field: undefined }, { a: 1 })).toBe(true);
    expect(sameValue({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(sameValue({ a: 1 }, null)).toBe(false);
  });
});
