import type { PES_SIGNATURE_CODES } from '../file-checks.errors.js';

/** Who signed, as the KeyInfo certificate says; trust in that certificate is not judged here. */
export interface PesSigner {
  /** The certificate’s subject on one line, most specific RDN first (`CN=…, O=…, C=FR`). */
  readonly subject: string;
  readonly issuer: string;
  /** Hexadecimal, as OpenSSL prints it. */
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** XAdES `SigningTime` as written in the file, when there is one: stated by the signer, not proven. */
  readonly signingTime?: string;
}

/** The check of one `ds:Signature` of a PES. */
export interface PesSignatureCheck {
  /** The signature's `Id` attribute, when it has one. */
  readonly id?: string;
  /** The `URI` of each Reference of SignedInfo, in order (`#BORD514432`, `#…_SP`). */
  readonly referenceUris: readonly string[];
  /** The element the signature sits in: `Bordereau` and its Id for a bordereau's signature, `PES_Aller` for the whole file's. */
  readonly parent: { readonly element: string; readonly id?: string };
  readonly verdict: 'valid' | 'invalid';
  /** Set when the verdict is `invalid`. */
  readonly code?: typeof PES_SIGNATURE_CODES.INVALID | typeof PES_SIGNATURE_CODES.MALFORMED;
  readonly reason?: string;
  /** Set once KeyInfo's certificate has been read. */
  readonly signer?: PesSigner;
}

/**
 * The signatures of a PES: `signed: false` for a file without any (which is fine), `signed: 'unknown'`
 * when the file was not read for them (too large for a DOM, not decodable, not well-formed XML).
 * `valid` is true when every signature is valid (and for an unsigned file).
 */
export type PesSignaturesResult =
  | { readonly signed: true; readonly valid: boolean; readonly signatures: readonly PesSignatureCheck[] }
  | { readonly signed: false; readonly valid: true; readonly signatures: readonly [] }
  | { readonly signed: 'unknown'; readonly code: typeof PES_SIGNATURE_CODES.NOT_CHECKED; readonly reason: string };

/** How {@link verifyPesSignatures} reads a file. */
export interface PesSignaturesOptions {
  /**
   * The largest file read into a DOM (default 64 MiB). xmldom takes up to about 40 bytes of heap
   * per byte of a file made of small elements (a 16 MiB PES of pièces: 600 MB), far less for a file
   * made of PJ base64; above the limit the result is `signed: 'unknown'`, `PES.SIGNATURE_NOT_CHECKED`.
   */
  readonly maxDomBytes?: number;
}
