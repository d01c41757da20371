import { describe, expect, it } from '@jest/globals';
import { cmsDer, pemCertificates } from './cms-input.decode.js';

const der = Buffer.from([0x30, 0x03, 0x02, 0x01, 0x05]);
const base64 = der.toString('base64');

describe('cmsDer', () => {
  it('takes DER as it is', () => {
    expect(Buffer.from(cmsDer(der)!)).toEqual(der);
  });

  it('decodes PEM under any label, and bare base64 with line breaks', () => {
    expect(Buffer.from(cmsDer(Buffer.from(`-----BEGIN CMS-----\n${base64}\n-----END CMS-----\n`))!)).toEqual(der);
    expect(Buffer.from(cmsDer(Buffer.from(`junk before\r\n-----BEGIN PKCS7-----\r\n${base64}\r\n-----END PKCS7-----`))!)).toEqual(der);
    expect(Buffer.from(cmsDer(Buffer.from(`${base64.slice(0, 4)}\n${base64.slice(4)}\n`))!)).toEqual(der);
  });

  it('refuses what is neither', () => {
    expect(cmsDer(new Uint8Array(0))).toBeUndefined();
    expect(cmsDer(Buffer.from('%PDF-1.4 not a signature'))).toBeUndefined();
    expect(cmsDer(Buffer.from('aGVsbG8='))).toBeUndefined(); // base64 of "hello": not a DER SEQUENCE
    expect(cmsDer(Buffer.from('-----BEGIN CMS-----\n%%%\n-----END CMS-----'))).toBeUndefined();
  });
});

describe('pemCertificates', () => {
  it('splits a bundle', () => {
    const pem = `-----BEGIN CERTIFICATE-----\n${base64}\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\n${base64}\n-----END CERTIFICATE-----\n`;
    expect(pemCertificates(pem).map((certificate) => Buffer.from(certificate))).toEqual([der, der]);
    expect(pemCertificates('nothing')).toEqual([]);
  });
});
