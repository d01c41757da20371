import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { bearerToken, generateToken, hashToken, isRole, sameHash } from './token.js';

describe('tokens', () => {
  it('are rls_ and 32 random bytes in base64url, never twice the same', () => {
    const tokens = new Set(Array.from({ length: 100 }, generateToken));
    expect(tokens.size).toBe(100);
    for (const token of tokens) {
      expect(token).toMatch(/^rls_[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(token.slice(4), 'base64url')).toHaveLength(32);
    }
  });

  it('are stored as their SHA-256, compared in constant time', () => {
    const token = generateToken();
    const hash = hashToken(token);
    expect(hash.toString('hex')).toBe(createHash('sha256').update(token).digest('hex'));
    expect(sameHash(hash, hashToken(token))).toBe(true);
    expect(sameHash(hash, hashToken(`${token}x`))).toBe(false);
    expect(sameHash(hash, hash.subarray(0, 31))).toBe(false);
  });

  it('are read from a bearer Authorization header only', () => {
    expect(bearerToken(undefined)).toEqual({ kind: 'none' });
    expect(bearerToken('  ')).toEqual({ kind: 'none' });
    expect(bearerToken('Bearer rls_abc')).toEqual({ kind: 'bearer', token: 'rls_abc' });
    expect(bearerToken('bearer rls_abc')).toEqual({ kind: 'bearer', token: 'rls_abc' });
    expect(bearerToken('Basic YTpi')).toEqual({ kind: 'malformed' });
    expect(bearerToken('Bearer a b')).toEqual({ kind: 'malformed' });
    expect(bearerToken('Bearer ')).toEqual({ kind: 'malformed' });
  });

  it('have one of four roles', () => {
    expect(['admin', 'collectivite', 'supervisor', 'auditor'].every(isRole)).toBe(true);
    expect(isRole('root')).toBe(false);
    expect(isRole(1)).toBe(false);
  });
});
