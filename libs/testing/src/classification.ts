type ActeNature = 'DE' | 'AR' | 'AI' | 'CC' | 'BF' | 'AU';

const NS = 'http://www.interieur.gouv.fr/ACTES#v1.1-20040216';
const NATURE_CODES: Readonly<Record<ActeNature, number>> = { DE: 1, AR: 2, AI: 3, CC: 4, BF: 5, AU: 6 };

/**
 * A small préfecture 7-2 `RetourClassification`, in ISO-8859-1 as @ctes writes it (the labels carry
 * accents): its date, its matières as dotted codes (each code's parents listed before it), and the
 * piece types of some natures.
 */
export function retourClassificationXml(date: string, codes: readonly string[], natures: Partial<Record<ActeNature, readonly string[]>> = {}): Buffer {
  const children = (prefix: string): string[] =>
    codes.filter((code) => code.startsWith(prefix === '' ? '' : `${prefix}.`) && code.split('.').length === (prefix === '' ? 1 : prefix.split('.').length + 1));
  const matiere = (code: string, indent: string): string => {
    const level = code.split('.').length;
    const own = code.split('.').at(-1) ?? '';
    const inner = children(code).map((child) => matiere(child, `${indent}  `));
    const open = `${indent}<actes:Matiere${level} actes:CodeMatiere="${own}" actes:Libelle="Matière ${code}"`;
    return inner.length === 0 ? `${open}/>` : [`${open}>`, ...inner, `${indent}</actes:Matiere${level}>`].join('\n');
  };
  const natureXml = Object.entries(natures).map(([nature, types]) =>
    [
      `    <actes:NatureActe actes:CodeNatureActe="${NATURE_CODES[nature as ActeNature]}" actes:Libelle="Nature ${nature}" actes:TypeAbrege="${nature}">`,
      ...types.map((type) => `      <actes:TypePJNatureActe actes:CodeTypePJ="${type}" actes:Libelle="Pièce ${type}"/>`),
      '    </actes:NatureActe>',
    ].join('\n'),
  );
  const xml = [
    '<?xml version="1.0" encoding="ISO-8859-1"?>',
    `<actes:RetourClassification xmlns:actes="${NS}">`,
    `  <actes:DateClassification>${date}</actes:DateClassification>`,
    '  <actes:NaturesActes>',
    ...natureXml,
    '  </actes:NaturesActes>',
    '  <actes:Matieres>',
    ...children('').map((code) => matiere(code, '    ')),
    '  </actes:Matieres>',
    '</actes:RetourClassification>',
    '',
  ].join('\n');
  return Buffer.from(xml, 'latin1');
}
