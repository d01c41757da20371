import { type ActeArchiveInput, buildActeArchive } from '@relais/actes';
import { buffer } from 'node:stream/consumers';
import { gunzipSync, gzipSync } from 'node:zlib';
import { extract, pack } from 'tar-stream';

/** A 1-1 transmission as a collectivité of the Hérault would send it; override what a test needs. */
export function acteInput(overrides: { numeroInterne?: string; sequence?: number; objet?: string } = {}): ActeArchiveInput {
  return {
    operatorTrigram: 'RLS',
    sequence: overrides.sequence ?? 5,
    dateEnvoi: '2017-12-27',
    collectivite: { siren: '491011698', departement: '034', arrondissement: '3', nature: '31' },
    adressesRetour: ['actes@relais.example.org'],
    acte: {
      dateDecision: '2017-12-07',
      numeroInterne: overrides.numeroInterne ?? 'CL20171227_06',
      nature: 1,
      classification: '7.1.2',
      objet: overrides.objet ?? 'Budget primitif : décision n°6 <"A&B">',
      classificationDateVersion: '2017-11-13',
      documentPapier: false,
      document: { extension: 'pdf', codeTypePJ: '99_DE', content: Buffer.from('%PDF-1.7\n%%EOF\n') },
      annexes: [{ extension: 'pdf', codeTypePJ: '99_AI', content: Buffer.from('%PDF-1.4\nannexe\n%%EOF\n') }],
    },
  };
}

/** Builds a real archive with the workspace's own packer. */
export { buildActeArchive };

/** A tar.gz of arbitrary entries, to build archives the packer would never make. */
export async function rawTarGz(
  entries: readonly { readonly name: string; readonly content?: Buffer; readonly type?: 'file' | 'symlink' | 'directory' }[],
): Promise<Buffer> {
  const tar = pack();
  const packed = buffer(tar);
  for (const entry of entries) {
    const type = entry.type ?? 'file';
    if (type === 'file') tar.entry({ name: entry.name, type }, entry.content ?? Buffer.alloc(0));
    else if (type === 'symlink') tar.entry({ name: entry.name, type, linkname: '/etc/passwd' });
    else tar.entry({ name: entry.name, type });
  }
  tar.finalize();
  return gzipSync(await packed);
}

/** The entries of a tar.gz, in order. */
export async function untarGz(bytes: Buffer): Promise<{ name: string; content: Buffer }[]> {
  const entries: { name: string; content: Buffer }[] = [];
  const reader = extract();
  reader.on('entry', (header, stream, next) => {
    void buffer(stream).then((content) => {
      entries.push({ name: header.name, content });
      next();
    });
  });
  const finished = new Promise<void>((resolve, reject) => {
    reader.on('finish', () => {
      resolve();
    });
    reader.on('error', reject);
  });
  reader.end(gunzipSync(bytes));
  await finished;
  return entries;
}

const ACTES_NS = 'http://www.interieur.gouv.fr/ACTES#v1.1-20040216';
const INSEE_NS = 'http://xml.insee.fr/schema';

/** The collectivité of {@link acteInput}: the Hérault's 491011698. */
export const COLLECTIVITE = { siren: '491011698', departement: '034' } as const;

/** ISO-8859-1 bytes of an XML document written by hand. */
export function latin1Xml(lines: readonly string[]): Buffer {
  return Buffer.from(['<?xml version="1.0" encoding="ISO-8859-1"?>', ...lines, ''].join('\n'), 'latin1');
}

/** A collectivité's `EnveloppeCLMISILL`, written by hand, listing `formulaires`. */
export function enveloppeClXml(formulaires: readonly string[], siren: string = COLLECTIVITE.siren, departement: string = COLLECTIVITE.departement): Buffer {
  return latin1Xml([
    `<actes:EnveloppeCLMISILL xmlns:actes="${ACTES_NS}" xmlns:insee="${INSEE_NS}">`,
    '  <actes:Emetteur>',
    `    <actes:IDCL insee:SIREN="${siren}" actes:Departement="${departement}" actes:Arrondissement="3" actes:Nature="31"/>`,
    '    <actes:Referent><actes:Nom>Mme Dupré</actes:Nom><actes:Telephone>0467000000</actes:Telephone></actes:Referent>',
    '  </actes:Emetteur>',
    '  <actes:AdressesRetour><actes:Email>actes@relais.example.org</actes:Email></actes:AdressesRetour>',
    '  <actes:FormulairesEnvoyes>',
    ...formulaires.map((name) => `    <actes:Formulaire><actes:NomFichier>${name}</actes:NomFichier></actes:Formulaire>`),
    '  </actes:FormulairesEnvoyes>',
    '</actes:EnveloppeCLMISILL>',
  ]);
}

/** An archive written by hand: its name, and the envelope `EACT--SIREN--YYYYMMDD-N.xml` plus the files. */
export async function handArchive(
  sequence: number,
  files: readonly { readonly name: string; readonly content: Buffer }[],
  options: { listed?: readonly string[]; siren?: string; date?: string } = {},
): Promise<{ name: string; bytes: Buffer; files: readonly { name: string; content: Buffer }[] }> {
  const siren = options.siren ?? COLLECTIVITE.siren;
  const envelopeName = `EACT--${siren}--${options.date ?? '20171229'}-${sequence}.xml`;
  const [message] = files;
  const listed = options.listed ?? (message === undefined ? [] : [message.name]);
  const entries = [{ name: envelopeName, content: enveloppeClXml(listed, siren) }, ...files];
  return { name: `RLS-${envelopeName.replace(/\.xml$/, '.tar.gz')}`, bytes: await rawTarGz(entries), files: entries };
}

/** The root element of each answer to a letter. */
const REPLY_ROOT: Readonly<Record<string, string>> = {
  '2-2': 'ReponseCourrierSimple',
  '3-2': 'ARDemandePieceComplementaire',
  '3-3': 'RefusPieceComplementaire',
  '3-4': 'PieceComplementaire',
  '4-2': 'ARLettreObservations',
  '4-3': 'RejetLettreObservations',
  '4-4': 'ReponseLettreObservations',
};

/** What {@link replyArchive} builds; override what a test needs to break. */
export interface ReplyInput {
  readonly code: string;
  readonly idActe: string;
  readonly dateCourrierPref: string;
  readonly sequence: number;
  /** The message's root element (default: the code's). */
  readonly root?: string;
  /** IDActe attribute of the message (default: `idActe`). */
  readonly attributeIdActe?: string;
  /** Leave the documents the message names out of the archive. */
  readonly withoutDocuments?: boolean;
  /** Extra bytes in the documents, to make another archive answering the same. */
  readonly variant?: string;
}

/**
 * A collectivité's answer to a letter, written by hand: the envelope, `IDActe-T-S_0.xml`, and its
 * PDF documents `IDActe-T-S_1.pdf` (two for a 3-4, none for a 3-2 or 4-2).
 */
export async function replyArchive(input: ReplyInput): ReturnType<typeof handArchive> {
  const base = `${input.idActe}-${input.code}`;
  const root = input.root ?? REPLY_ROOT[input.code] ?? 'ReponseCourrierSimple';
  const count = input.code === '3-4' ? 2 : input.code === '3-2' || input.code === '4-2' ? 0 : 1;
  const documents = Array.from({ length: count }, (_, i) => ({
    name: `${base}_${i + 1}.pdf`,
    content: Buffer.from(`%PDF-1.4\n% réponse ${i + 1} ${input.variant ?? ''}\n%%EOF\n`, 'latin1'),
  }));
  const named =
    count === 0
      ? []
      : input.code === '3-4'
        ? ['  <actes:Documents>', ...documents.map((d) => `    <actes:Document><actes:NomFichier>${d.name}</actes:NomFichier></actes:Document>`), '  </actes:Documents>']
        : documents.map((d) => `  <actes:Document><actes:NomFichier>${d.name}</actes:NomFichier></actes:Document>`);
  const message = {
    name: `${base}_0.xml`,
    content: latin1Xml([
      `<actes:${root} xmlns:actes="${ACTES_NS}" actes:IDActe="${input.attributeIdActe ?? input.idActe}" actes:DateCourrierPref="${input.dateCourrierPref}"${named.length === 0 ? '/>' : '>'}`,
      ...(named.length === 0 ? [] : [...named, `</actes:${root}>`]),
    ]),
  };
  return handArchive(input.sequence, [message, ...(input.withoutDocuments === true ? [] : documents)]);
}

/** A 7-1 `DemandeClassification` of the collectivité, written by hand, with the date it holds if any. */
export async function classificationRequestArchive(sequence: number, dateClassification?: string): ReturnType<typeof handArchive> {
  const message = {
    name: `${COLLECTIVITE.departement}-${COLLECTIVITE.siren}----7-1_1.xml`,
    content: latin1Xml(
      dateClassification === undefined
        ? [`<actes:DemandeClassification xmlns:actes="${ACTES_NS}"/>`]
        : [
            `<actes:DemandeClassification xmlns:actes="${ACTES_NS}">`,
            `  <actes:DateClassification>${dateClassification}</actes:DateClassification>`,
            '</actes:DemandeClassification>',
          ],
    ),
  };
  return handArchive(sequence, [message]);
}
