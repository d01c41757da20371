import { Readable } from 'node:stream';
import type { PostgresBlobStore } from '@relais/blob-store';
import type { FileRef } from '@relais/domain';

/** Stores `bytes` in the blob store and describes them as a submission's file. */
export async function storeFile(blobs: PostgresBlobStore, name: string, bytes: Buffer, mediaType = 'application/pdf'): Promise<FileRef> {
  const { sha256, size } = await blobs.put(Readable.from([bytes]));
  return { sha256, size, name, mediaType };
}

/** A small but complete PDF: header, one object, cross-reference table and `%%EOF`. */
export function pdfBytes(text = 'Budget primitif'): Buffer {
  return Buffer.from(
    `%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Title (${text}) >>\nendobj\nxref\n0 2\n0000000000 65535 f \n0000000009 00000 n \ntrailer\n<< /Size 2 /Root 1 0 R >>\nstartxref\n70\n%%EOF\n`,
    'latin1',
  );
}

/**
 * A small préfecture 7-2 `RetourClassification` in ISO-8859-1 (its labels carry accents): its date,
 * its matières as dotted codes (each one's parents listed before it) and the piece types of some natures.
 */
export function retourClassification(date: string, codes: readonly string[], natures: Readonly<Record<string, { code: number; types: readonly string[] }>> = {}): Buffer {
  const depth = (code: string): number => code.split('.').length;
  const children = (parent: string): string[] =>
    codes.filter((code) => (parent === '' ? depth(code) === 1 : code.startsWith(`${parent}.`) && depth(code) === depth(parent) + 1));
  const matiere = (code: string): string => {
    const level = depth(code);
    const open = `<actes:Matiere${level} actes:CodeMatiere="${code.split('.').at(-1) ?? ''}" actes:Libelle="Matière ${code}"`;
    const inner = children(code).map(matiere);
    return inner.length === 0 ? `${open}/>` : `${open}>${inner.join('')}</actes:Matiere${level}>`;
  };
  const natureXml = Object.entries(natures).map(
    ([abbreviation, { code, types }]) =>
      `<actes:NatureActe actes:CodeNatureActe="${code}" actes:Libelle="Nature ${abbreviation}" actes:TypeAbrege="${abbreviation}">` +
      types.map((type) => `<actes:TypePJNatureActe actes:CodeTypePJ="${type}" actes:Libelle="Pièce ${type}"/>`).join('') +
      '</actes:NatureActe>',
  );
  return Buffer.from(
    '<?xml version="1.0" encoding="ISO-8859-1"?>\n' +
      '<actes:RetourClassification xmlns:actes="http://www.interieur.gouv.fr/ACTES#v1.1-20040216">' +
      `<actes:DateClassification>${date}</actes:DateClassification>` +
      `<actes:NaturesActes>${natureXml.join('')}</actes:NaturesActes>` +
      `<actes:Matieres>${children('').map(matiere).join('')}</actes:Matieres>` +
      '</actes:RetourClassification>\n',
    'latin1',
  );
}
