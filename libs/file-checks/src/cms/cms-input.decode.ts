const PEM_BLOCK = /-----BEGIN ([A-Z0-9 #]+)-----([\s\S]*?)-----END \1-----/;
const BASE64_TEXT = /^[A-Za-z0-9+/=\s]+$/;
const DER_SEQUENCE = 0x30;

/**
 * The DER bytes of a CMS structure given as DER, as PEM (`-----BEGIN PKCS7-----`, `CMS`, or any
 * other label: the first block is taken), or as bare base64 (as an @ctes `Signature` element may
 * carry it). Undefined when the input is none of these: the caller reports it as malformed. Only the
 * shape is checked here, not the ASN.1.
 */
export function cmsDer(input: Uint8Array): Uint8Array | undefined {
  if (input.byteLength === 0) return undefined;
  if (input[0] === DER_SEQUENCE) return input;
  const text = Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('latin1');
  const pem = PEM_BLOCK.exec(text);
  const base64 = pem?.[2] ?? (BASE64_TEXT.test(text) ? text : undefined);
  if (base64 === undefined || !BASE64_TEXT.test(base64)) return undefined;
  const der = Buffer.from(base64.replace(/\s+/g, ''), 'base64');
  return der.byteLength > 0 && der[0] === DER_SEQUENCE ? der : undefined;
}

/** Every certificate of a PEM text, as DER (a bundle may hold several). */
export function pemCertificates(pem: string): Uint8Array[] {
  const blocks = pem.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g);
  return [...blocks].map((block) => Buffer.from((block[1] ?? '').replace(/\s+/g, ''), 'base64'));
}
