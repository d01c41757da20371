import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { PrivacyError, PrivacyErrorCode } from './privacy.errors.js';

/*
 * A personal field is stored as a string that says what it is: `relais:sealed:v1:` then the base64url
 * of iv (12 bytes) | ciphertext | GCM tag (16 bytes). It stays a string, so events, their protobuf
 * contracts and the read models keep their types, and a reader tells a sealed value from a plain one
 * (an event stored before sealing began) by its prefix alone.
 *
 * AES-256-GCM under keys derived (HKDF-SHA256) from the subject's key. The IV is synthetic: an HMAC of
 * the field's binding and text under another derived key. Sealing is therefore deterministic for one
 * key, field and text, which is what lets a retried submission be recognised as the same submission;
 * an IV repeats only with its very plaintext, so GCM's nonce rule holds. It reveals, to whoever reads
 * the log, only that one transmission's field held the same text twice.
 */

/** What every sealed value starts with. */
export const SEALED_PREFIX = 'relais:sealed:v1:';

/** Bytes of a subject's key. */
export const KEY_BYTES = 32;

const IV_BYTES = 12;
const TAG_BYTES = 16;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** A new random key for a subject. */
export function newKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

/**
 * The associated data a field is sealed under: its subject (a transmission's id) and its name, so that
 * a sealed value moved to another transmission or another field does not open.
 */
export function fieldAad(subjectId: string, field: string): string {
  return JSON.stringify(['relais-personal-field', subjectId, field]);
}

/** Whether `text` is a sealed value (rather than a plain one, stored before sealing began). */
export function isSealed(text: string): boolean {
  return text.startsWith(SEALED_PREFIX);
}

/** `plaintext` sealed with `key` under `aad` (see {@link fieldAad}): `relais:sealed:v1:<base64url>`. Deterministic. */
export function sealField(key: Uint8Array, plaintext: string, aad: string): string {
  const { encryption, nonce } = derivedKeys(key);
  const text = Buffer.from(plaintext, 'utf8');
  const binding = Buffer.from(aad, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(binding.length);
  const iv = createHmac('sha256', nonce).update(length).update(binding).update(text).digest().subarray(0, IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', encryption, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(binding);
  const sealed = Buffer.concat([iv, cipher.update(text), cipher.final(), cipher.getAuthTag()]);
  return `${SEALED_PREFIX}${sealed.toString('base64url')}`;
}

/**
 * The plaintext of a value {@link sealField} made with this key and `aad`.
 * @throws PrivacyError `PRIVACY.SEALED_FIELD_UNREADABLE` for another key, another aad, an altered value or no sealed value at all
 */
export function openField(key: Uint8Array, sealed: string, aad: string): string {
  const unreadable = (why: string, cause?: unknown): PrivacyError =>
    new PrivacyError(PrivacyErrorCode.Unreadable, `The sealed value does not open: ${why}`, { cause });
  if (!isSealed(sealed)) throw unreadable('it is not a relais:sealed:v1 value');
  const body = sealed.slice(SEALED_PREFIX.length);
  if (!BASE64URL.test(body)) throw unreadable('it is not base64url');
  const bytes = Buffer.from(body, 'base64url');
  if (bytes.length < IV_BYTES + TAG_BYTES) throw unreadable('it is too short');
  const { encryption } = derivedKeys(key);
  const decipher = createDecipheriv('aes-256-gcm', encryption, bytes.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch (error) {
    throw unreadable('wrong key, wrong field or transmission, or altered', error);
  }
}

interface DerivedKeys {
  readonly encryption: Buffer;
  readonly nonce: Buffer;
}

/* Derived once per key object: a projector batch opens many fields of the same keys. */
const derived = new WeakMap<Uint8Array, DerivedKeys>();

function derivedKeys(key: Uint8Array): DerivedKeys {
  const known = derived.get(key);
  if (known !== undefined) return known;
  if (key.length !== KEY_BYTES) throw new PrivacyError(PrivacyErrorCode.InvalidKey, `A key has ${KEY_BYTES} bytes, not ${key.length}`);
  const derive = (info: string): Buffer => Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), info, KEY_BYTES));
  const keys = { encryption: derive('relais sealed field v1: encryption'), nonce: derive('relais sealed field v1: synthetic iv') };
  derived.set(key, keys);
  return keys;
}
