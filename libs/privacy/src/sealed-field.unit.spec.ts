import { describe, expect, it } from '@jest/globals';
import { isPrivacyError, PrivacyErrorCode } from './privacy.errors.js';
import { fieldAad, isSealed, newKey, openField, SEALED_PREFIX, sealField } from './sealed-field.js';

const key = newKey();
const aad = fieldAad('6f1c0e64-3b1e-4d1a-9a57-0d7f1b9e2c11', 'submission.objet');
const objet = 'Arrêté portant nomination de Mme Camille Durand, attachée territoriale « principale » 𝄞';

function unreadable(run: () => unknown): void {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(isPrivacyError(thrown, PrivacyErrorCode.Unreadable)).toBe(true);
}

describe('a sealed field', () => {
  it('opens to its plaintext with its key and binding, whatever its characters', () => {
    for (const text of [objet, '', 'x'.repeat(5000)]) {
      expect(openField(key, sealField(key, text, aad), aad)).toBe(text);
    }
  });

  it('is a self-describing string: relais:sealed:v1: then base64url of iv, ciphertext and tag', () => {
    const sealed = sealField(key, objet, aad);
    expect(sealed.startsWith(SEALED_PREFIX)).toBe(true);
    expect(sealed).toMatch(/^relais:sealed:v1:[A-Za-z0-9_-]+$/);
    const bytes = Buffer.from(sealed.slice(SEALED_PREFIX.length), 'base64url');
    expect(bytes.length).toBe(12 + Buffer.byteLength(objet, 'utf8') + 16);
    expect(sealed).not.toContain('Durand');
    expect(isSealed(sealed)).toBe(true);
    expect(isSealed(objet)).toBe(false);
  });

  it('is the same for the same key, binding and text, and differs otherwise', () => {
    expect(sealField(key, objet, aad)).toBe(sealField(key, objet, aad));
    expect(sealField(key, `${objet}.`, aad)).not.toBe(sealField(key, objet, aad));
    expect(sealField(newKey(), objet, aad)).not.toBe(sealField(key, objet, aad));
    expect(sealField(key, objet, fieldAad('other', 'submission.objet'))).not.toBe(sealField(key, objet, aad));
  });

  it('does not open with another key, another transmission or another field', () => {
    const sealed = sealField(key, objet, aad);
    unreadable(() => openField(newKey(), sealed, aad));
    unreadable(() => openField(key, sealed, fieldAad('another-transmission', 'submission.objet')));
    unreadable(() => openField(key, sealed, fieldAad('6f1c0e64-3b1e-4d1a-9a57-0d7f1b9e2c11', 'letters.text')));
  });

  it('does not open once altered, cut, or when it is not a sealed value', () => {
    const sealed = sealField(key, objet, aad);
    const bytes = Buffer.from(sealed.slice(SEALED_PREFIX.length), 'base64url');
    bytes[20] = (bytes[20] ?? 0) ^ 1;
    unreadable(() => openField(key, `${SEALED_PREFIX}${bytes.toString('base64url')}`, aad));
    unreadable(() => openField(key, sealed.slice(0, 40), aad));
    unreadable(() => openField(key, `${SEALED_PREFIX}not base64!`, aad));
    unreadable(() => openField(key, objet, aad));
  });

  it('refuses a key that is not 32 bytes', () => {
    let thrown: unknown;
    try {
      sealField(Buffer.alloc(16), objet, aad);
    } catch (error) {
      thrown = error;
    }
    expect(isPrivacyError(thrown, PrivacyErrorCode.InvalidKey)).toBe(true);
  });
});
