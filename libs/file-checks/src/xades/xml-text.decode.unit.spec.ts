import { describe, expect, it } from '@jest/globals';
import { decodeXml } from './xml-text.decode.js';

describe('decodeXml', () => {
  it('decodes a declared ISO-8859-1 file byte for byte, C1 bytes included', () => {
    const bytes = Buffer.concat([Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><a V="'), Buffer.from([0xe9, 0x80]), Buffer.from('"/>')]);
    expect(decodeXml(bytes)).toEqual({ text: '<?xml version="1.0" encoding="ISO-8859-1"?><a V="é\u0080"/>', encoding: 'ISO-8859-1' });
  });

  it('decodes UTF-8, declared or not, and skips its byte order mark', () => {
    expect(decodeXml(Buffer.from('<?xml version="1.0" encoding="utf-8"?><a>é</a>'))).toMatchObject({ text: '<?xml version="1.0" encoding="utf-8"?><a>é</a>', encoding: 'UTF-8' });
    expect(decodeXml(Buffer.from('\uFEFF<a>é</a>'))).toEqual({ text: '<a>é</a>', encoding: 'UTF-8' });
  });

  it('normalises CRLF and CR line ends to LF, as an XML parser does', () => {
    expect(decodeXml(Buffer.from('<a>\r\n1\r2\n</a>'))).toMatchObject({ text: '<a>\n1\n2\n</a>' });
  });

  it('says why it cannot decode', () => {
    expect(decodeXml(Buffer.from('<?xml version="1.0" encoding="windows-1252"?><a/>'))).toEqual({ problem: 'the declared encoding "windows-1252" is neither ISO-8859-1 nor UTF-8' });
    expect(decodeXml(Buffer.from([0xff, 0xfe, 0x3c, 0x00]))).toMatchObject({ problem: expect.stringContaining('UTF-16') });
    expect(decodeXml(Buffer.concat([Buffer.from('<?xml version="1.0" encoding="UTF-8"?><a>'), Buffer.from([0xe9]), Buffer.from('</a>')]))).toMatchObject({
      problem: expect.stringContaining('not UTF-8'),
    });
    expect(decodeXml(Buffer.from('\uFEFF<?xml version="1.0" encoding="ISO-8859-1"?><a/>'))).toMatchObject({ problem: expect.stringContaining('byte order mark') });
  });
});
