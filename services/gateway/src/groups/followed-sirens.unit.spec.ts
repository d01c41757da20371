import { describe, expect, it } from '@jest/globals';
import type { Principal } from '../auth/principal.js';
import { ApiError } from '../errors/api-error.js';
import { mayRead, principalGroup, readScope } from './followed-sirens.js';

const own: Principal = { tokenId: 't1', role: 'collectivite', siren: '200000001' };
const groupAdmin: Principal = { ...own, ...principalGroup('200000001', ['210000002', '200000001', '210000003']) };
const supervisor: Principal = { tokenId: 't2', role: 'supervisor', siren: undefined };

function codeOf(run: () => unknown): [number, string | undefined] | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return error instanceof ApiError ? [error.status, error.errors[0]?.code] : undefined;
  }
}

describe('followed SIRENs', () => {
  it('are the own SIREN and the group’s members, once each, for a user with a group only', () => {
    expect(groupAdmin.followedSirens).toEqual(['200000001', '210000002', '210000003']);
    expect(principalGroup('200000001', [])).toEqual({ followedSirens: ['200000001'] });
    expect(principalGroup('200000001', null)).toEqual({});
    expect(principalGroup(null, ['210000002'])).toEqual({});
  });

  it('bound what a collectivité reads; supervisors read everything', () => {
    expect([mayRead(own, '200000001'), mayRead(own, '210000002')]).toEqual([true, false]);
    expect([mayRead(groupAdmin, '210000002'), mayRead(groupAdmin, '299999999')]).toEqual([true, false]);
    expect(mayRead(supervisor, '299999999')).toBe(true);
  });

  it('scope a list: every SIREN followed, one named among them, 404 for another, 400 for a malformed one', () => {
    expect(readScope(groupAdmin, undefined)).toEqual(['200000001', '210000002', '210000003']);
    expect(readScope(groupAdmin, '210000003')).toEqual(['210000003']);
    expect(readScope(own, undefined)).toEqual(['200000001']);
    expect(readScope(supervisor, undefined)).toBeUndefined();
    expect(readScope(supervisor, '299999999')).toEqual(['299999999']);
    expect(codeOf(() => readScope(own, '210000002'))).toEqual([404, 'COLLECTIVITE.NOT_FOUND']);
    expect(codeOf(() => readScope(groupAdmin, '2100'))).toEqual([400, 'REQUEST.INVALID_QUERY']);
    expect(codeOf(() => readScope(groupAdmin, ['210000002', '210000003']))).toEqual([400, 'REQUEST.INVALID_QUERY']);
  });
});
