import { describe, expect, it } from '@jest/globals';
import { ActesXmlError, ActesXmlErrorCode, decodeXmlText, isXmlElement, parseActesXml } from './actes-xml.read.js';

const latin1 = (text: string): Buffer => Buffer.from(text, 'latin1');

/** What `run` throws (undefined when it returns). */
function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('parseActesXml', () => {
  it('reads ISO-8859-1 bytes, drops namespace prefixes and keeps every value as written', () => {
    const xml = latin1(
      '<?xml version="1.0" encoding="ISO-8859-1"?>\n' +
        '<actes:ARActe xmlns:actes="http://www.interieur.gouv.fr/ACTES#v1.1-20040216" actes:IDActe="021-X" actes:Num="007">' +
        '<actes:Objet>Budget « sportif » &amp; équipements</actes:Objet><actes:Date>2026-01-04</actes:Date></actes:ARActe>',
    );
    const tree = parseActesXml(xml);
    expect(Object.keys(tree)).toEqual(['?xml', 'ARActe']);
    // The namespace declarations go with the prefixes.
    expect(tree['ARActe']).toEqual({
      '@_IDActe': '021-X',
      '@_Num': '007',
      Objet: 'Budget « sportif » &amp; équipements',
      Date: '2026-01-04',
    });
  });

  it('parses the elements `isArray` names as lists, even when they appear once', () => {
    const isArray = (name: string): boolean => name === 'Annexe';
    const tree = parseActesXml(latin1('<Acte><Annexe>a</Annexe><Objet>o</Objet></Acte>'), { isArray });
    expect(tree['Acte']).toEqual({ Annexe: ['a'], Objet: 'o' });
    expect(parseActesXml(latin1('<Acte><Annexe>a</Annexe><Annexe>b</Annexe></Acte>'), { isArray })['Acte']).toEqual({ Annexe: ['a', 'b'] });
  });

  it('refuses a DOCTYPE before parsing, whatever its case, so that no entity is ever declared', () => {
    for (const doctype of ['<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>', '<?xml version="1.0"?><!doctype x SYSTEM "file:///etc/passwd"><x/>']) {
      const error = thrown(() => parseActesXml(latin1(doctype)));
      expect(error).toBeInstanceOf(ActesXmlError);
      expect(error).toMatchObject({ code: ActesXmlErrorCode.Doctype, message: 'a DOCTYPE is not accepted' });
      // Even when the caller skips the well-formedness check.
      expect(thrown(() => parseActesXml(latin1(doctype), { checkWellFormed: false }))).toMatchObject({ code: ActesXmlErrorCode.Doctype });
    }
  });

  it('refuses XML that is not well-formed, saying where', () => {
    const error = thrown(() => parseActesXml(latin1('<?xml version="1.0"?>\n<ARActe><Objet></ARActe>')));
    expect(error).toBeInstanceOf(ActesXmlError);
    expect(error).toMatchObject({ code: ActesXmlErrorCode.Malformed, message: expect.stringMatching(/^not well-formed XML \(.+, line 2\)$/) });
  });

  it('refuses with its code what the validator passes and the parser throws on (found by fuzzing)', () => {
    // A processing instruction whose target starts with a quote: the parser threw a bare Error.
    const error = thrown(() => parseActesXml(latin1('<?"x?><a/>')));
    expect(error).toBeInstanceOf(ActesXmlError);
    expect(error).toMatchObject({ code: ActesXmlErrorCode.Malformed, message: expect.stringMatching(/^not well-formed XML/) });
  });

  it('leaves well-formedness to the lenient parser when asked', () => {
    const unclosed = latin1('<a><b>x</b><c/>');
    expect(thrown(() => parseActesXml(unclosed))).toMatchObject({ code: ActesXmlErrorCode.Malformed });
    expect(parseActesXml(unclosed, { checkWellFormed: false })['a']).toEqual({ b: 'x', c: '' });
  });
});

describe('decodeXmlText', () => {
  it('decodes the predefined entities and character references, and leaves anything else', () => {
    expect(decodeXmlText('&lt;a&gt; &amp; &quot;b&quot; &apos;c&apos; &#233;&#xE9; &#x1F600;')).toBe('<a> & "b" \'c\' éé 😀');
    expect(decodeXmlText('&nbsp; &#x110000; & plain')).toBe('&nbsp; &#x110000; & plain');
  });
});

describe('isXmlElement', () => {
  it('tells an element from text and lists', () => {
    expect(isXmlElement({ '#text': 'a' })).toBe(true);
    expect(isXmlElement('a')).toBe(false);
    expect(isXmlElement([{}])).toBe(false);
    expect(isXmlElement(null)).toBe(false);
  });
});
