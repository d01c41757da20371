import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** The roles of API.md, "Who may do what". */
export const ROLES = ['admin', 'collectivite', 'supervisor', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

/** Whether `value` names a role. */
export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Prefix of the tokens the gateway makes, so that one found in a log or a repository is recognisable. */
export const TOKEN_PREFIX = 'rls_';

/** A new secret: the prefix and 32 random bytes in base64url (256 bits). */
export function generateToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** What is stored of a token: its SHA-256, never the token. */
export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** Compares two token hashes in constant time. */
export function sameHash(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && timingSafeEqual(a, b);
}

/** What an `Authorization` header holds. */
export type Credential = { readonly kind: 'none' } | { readonly kind: 'malformed' } | { readonly kind: 'bearer'; readonly token: string };

/** The bearer token of an `Authorization` header; a header that is not a bearer credential is `malformed`. */
export function bearerToken(header: string | undefined): Credential {
  if (header === undefined || header.trim() === '') return { kind: 'none' };
  const token = /^Bearer[ ]+([\x21-\x7e]+)[ ]*$/i.exec(header)?.[1];
  return token === undefined ? { kind: 'malformed' } : { kind: 'bearer', token };
}
