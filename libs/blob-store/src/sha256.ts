import { InvalidBlobArgumentError } from './errors.js';

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** The sha256 of zero bytes, the key of the empty blob. */
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** `value` as the store keys it (64 lowercase hex digits), or InvalidBlobArgumentError. */
export function normalizeSha256(value: string): string {
  const lower = value.toLowerCase();
  if (!SHA256_HEX.test(lower)) throw new InvalidBlobArgumentError(`Not a sha256 in hex: ${JSON.stringify(value)}`);
  return lower;
}
