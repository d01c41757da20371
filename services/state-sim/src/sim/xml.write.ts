import { LATIN1_XML_DECLARATION } from '@relais/actes';

/**
 * Escapes text for an ISO-8859-1 document: markup characters as entities, and any character Latin-1
 * cannot carry as a character reference, so that the bytes stay one per character.
 */
export function latin1XmlEscape(value: string): string {
  let out = '';
  for (const char of value) {
    const codePoint = char.codePointAt(0) ?? 0;
    if (char === '&') out += '&amp;';
    else if (char === '<') out += '&lt;';
    else if (char === '>') out += '&gt;';
    else if (char === '"') out += '&quot;';
    else if (codePoint > 0xff || char === '\r' || char === '\t' || char === '\n') out += `&#${codePoint};`;
    else out += char;
  }
  return out;
}

/** Like {@link latin1XmlEscape}, but keeps line breaks as they are (element content). */
export function xmlText(value: string): string {
  return latin1XmlEscape(value).replace(/&#10;/g, '\n').replace(/&#9;/g, '\t');
}

/** An @ctes XML file: the ISO-8859-1 declaration, the lines, one byte per character. */
export function latin1Document(lines: readonly string[]): Buffer {
  return Buffer.from([LATIN1_XML_DECLARATION, ...lines, ''].join('\n'), 'latin1');
}

/** `<actes:Element><actes:NomFichier>name</actes:NomFichier></actes:Element>`: a `FichierSigne` without signature. */
export function fichierXml(element: string, name: string): string {
  return `<actes:${element}><actes:NomFichier>${xmlText(name)}</actes:NomFichier></actes:${element}>`;
}
