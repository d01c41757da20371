import { describe, expect, it } from '@jest/globals';
import { gzipSync } from 'node:zlib';
import { PesErrorCode, PesReadError } from '../pes.errors.js';
import { chunked, pesAllerBuffer, pesAllerShapes, type PesAllerSpec } from '../testing/index.js';
import { readPesAller } from './pes-aller.read.js';

const refusal = async (source: AsyncIterable<Uint8Array>): Promise<PesReadError> => {
  const error = await readPesAller(source).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof PesReadError)) throw new Error(`expected a PesReadError, got ${String(error)}`);
  return error;
};

const xml = (text: string, encoding: BufferEncoding = 'latin1'): AsyncIterable<Uint8Array> => chunked(Buffer.from(text, encoding));
const ALLER = 'xmlns:n="http://www.minefi.gouv.fr/cp/helios/pes_v2/Rev0/aller"';

describe('readPesAller', () => {
  it('gives the same summary whatever the chunk sizes, down to one byte at a time', async () => {
    const bytes = await pesAllerBuffer(pesAllerShapes.mixed('UTF-8'));
    const whole = await readPesAller(chunked(bytes, bytes.length));
    for (const size of [1, 7, 4096]) expect(await readPesAller(chunked(bytes, size))).toEqual(whole);
    expect(await readPesAller(chunked(bytes), { pieceBytes: 3 })).toEqual(whole);
  });

  it('reads mandats in BlocPiece/InfoPce and titres in BlocPiece, with their lines', async () => {
    const summary = await readPesAller(chunked(await pesAllerBuffer(pesAllerShapes.mixed())));
    expect(summary.bordereaux.map((b) => [b.domain, b.idBord, b.typBord, b.nbrPce, b.pieces.map((p) => `${p.idPce}:${p.typPce}-${p.natPce}`)])).toEqual([
      ['depense', '101', '01', '2', ['1001:01-01', '1002:01-02']],
      ['depense', '102', '02', '1', ['1003:02-06']],
      ['recette', '201', '01', '2', ['2001:01-01', '2002:12-05']],
    ]);
    expect(summary.bordereaux[0]?.id).toBe('BORD101');
    expect(summary.bordereaux[0]?.line).toBeLessThan(summary.bordereaux[0]?.pieces[0]?.line ?? 0);
    expect(summary.pjs.map((pj) => [pj.idUnique, pj.nomPJ, pj.typePJ, pj.mimeType, pj.contentOk])).toEqual([
      ['PJ-2026-0001', 'facture-électricité.pdf', '003', 'application/pdf', true],
      ['PJ-2026-0002', 'devis.pdf', '003', 'application/pdf', true],
    ]);
  });

  it('decodes ISO-8859-1 byte for byte, C1 controls included, and UTF-8 as such', async () => {
    const latin1 = `<?xml version="1.0" encoding="iso-8859-1"?>\n<n:PES_Aller ${ALLER}><EnTetePES><LibelleColBud V="SÈTE \u0080"/></EnTetePES></n:PES_Aller>`;
    const fromLatin1 = await readPesAller(xml(latin1));
    expect(fromLatin1.enTete.libelleColBud).toBe('SÈTE \u0080');
    expect(fromLatin1.declaredEncoding).toBe('ISO-8859-1');
    const utf8 = await readPesAller(xml(`\uFEFF${latin1.replace('iso-8859-1', 'utf-8')}`, 'utf8'));
    expect(utf8.enTete.libelleColBud).toBe('SÈTE \u0080');
    expect([utf8.encoding, utf8.declaredEncoding]).toEqual(['UTF-8', 'UTF-8']);
    const undeclared = await readPesAller(xml(`<n:PES_Aller ${ALLER}/>`, 'utf8'));
    expect([undeclared.encoding, undeclared.declaredEncoding]).toEqual(['UTF-8', undefined]);
  });

  it('refuses other encodings, UTF-16 included, and bytes the declared encoding has not', async () => {
    expect((await refusal(xml('<?xml version="1.0" encoding="windows-1252"?><a/>'))).code).toBe(PesErrorCode.EncodingUnsupported);
    expect((await refusal(xml('<?xml version="1.0"?><a/>', 'utf16le'))).code).toBe(PesErrorCode.EncodingUnsupported);
    const invalid = await refusal(xml('<?xml version="1.0" encoding="UTF-8"?><a V="é"/>'));
    expect(invalid.code).toBe(PesErrorCode.EncodingInvalid);
  });

  it('refuses a DOCTYPE before any entity is declared, even split across chunks', async () => {
    const text = `<?xml version="1.0" encoding="ISO-8859-1"?>\n\n<!DOCTYPE n:PES_Aller [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n<n:PES_Aller ${ALLER}>&e;</n:PES_Aller>`;
    for (const size of [1, 5, 1000]) {
      const error = await refusal(chunked(Buffer.from(text, 'latin1'), size));
      expect([error.code, error.location?.line]).toEqual([PesErrorCode.DoctypeForbidden, 3]);
    }
  });

  it('refuses XML that is not well-formed, with its line and column', async () => {
    const error = await refusal(xml(`<?xml version="1.0" encoding="ISO-8859-1"?>\n<n:PES_Aller ${ALLER}>\n <EnTetePES>\n </EnTete>\n</n:PES_Aller>`));
    expect(error.code).toBe(PesErrorCode.MalformedXml);
    expect(error.location).toEqual({ line: 4, column: expect.any(Number) });
    expect(error.toPesError()).toMatchObject({ code: PesErrorCode.MalformedXml, location: { line: 4 } });
    expect((await refusal(xml(''))).code).toBe(PesErrorCode.MalformedXml);
    expect((await refusal(xml(`<n:PES_Aller ${ALLER}>`))).code).toBe(PesErrorCode.MalformedXml);
    expect((await refusal(xml('<x:PES_Aller/>'))).code).toBe(PesErrorCode.MalformedXml);
  });

  it('lists root children the schema does not know, and flags marché, budget, facture and signature blocks', async () => {
    const text = `<n:PES_Aller ${ALLER}><PES_Budget/><PES_Facture/><PES_Marche/><Autre/><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"/></n:PES_Aller>`;
    const { blocks } = await readPesAller(xml(text));
    expect(blocks).toEqual({
      depense: false,
      recette: false,
      pj: false,
      marche: true,
      budget: true,
      facture: true,
      signature: true,
      other: [{ name: 'Autre', line: 1 }],
    });
  });

  describe('PJ content', () => {
    const withFichier = (fichier: string): AsyncIterable<Uint8Array> =>
      xml(`<n:PES_Aller ${ALLER}><PES_PJ><PJ><Contenu>${fichier}</Contenu><IdUnique V="A"/></PJ></PES_PJ></n:PES_Aller>`);
    const verdict = async (fichier: string, options = {}) => {
      const { pjs } = await readPesAller(withFichier(fichier), options);
      return [pjs[0]?.contentOk, pjs[0]?.contentProblem, pjs[0]?.inflatedBytes];
    };
    const gz = gzipSync(Buffer.from('contenu original'));

    it('accepts base64 of gzip, wrapped or not, and counts the original size', async () => {
      const b64 = gz.toString('base64');
      expect(await verdict(`<Fichier MIMEType="text/plain">${b64}</Fichier>`)).toEqual([true, undefined, 16]);
      expect(await verdict(`<Fichier MIMEType="text/plain">\n ${b64.replace(/(.{10})/g, '$1\r\n ')}\n</Fichier>`)).toEqual([true, undefined, 16]);
    });

    it('says what is wrong with content that is not', async () => {
      const b64 = gz.toString('base64');
      expect(await verdict('<Fichier MIMEType="x"/>')).toEqual([false, 'empty', 0]);
      expect(await verdict('<Fichier MIMEType="x">  </Fichier>')).toEqual([false, 'empty', 0]);
      expect(await verdict('')).toEqual([false, 'empty', 0]);
      expect(await verdict('<Fichier MIMEType="x">ab$d</Fichier>')).toEqual([false, 'base64', 0]);
      expect(await verdict('<Fichier MIMEType="x">abc</Fichier>')).toEqual([false, 'base64', 0]);
      expect(await verdict('<Fichier MIMEType="x">QUI=QUJD</Fichier>')).toEqual([false, 'base64', 0]);
      expect(await verdict(`<Fichier MIMEType="x">${Buffer.from('pas du gzip').toString('base64')}</Fichier>`)).toEqual([false, 'gzip', 0]);
      expect(await verdict(`<Fichier MIMEType="x">${gz.subarray(0, gz.length - 4).toString('base64')}</Fichier>`)).toEqual([false, 'gzip', expect.any(Number)]);
      expect(await verdict(`<Fichier MIMEType="x">${b64.slice(0, 8)}<!-- x -->${b64.slice(8)}</Fichier>`)).toEqual([false, 'markup', expect.any(Number)]);
      expect(await verdict(`<Fichier MIMEType="x"><b/>${b64}</Fichier>`)).toEqual([false, 'markup', 0]);
      expect(await verdict(`<Fichier MIMEType="x">${b64}</Fichier>`, { maxInflatedPjBytes: 10 })).toEqual([false, 'too_large', expect.any(Number)]);
      expect(await verdict(`<Fichier MIMEType="x">${b64}</Fichier>`, { verifyPjContent: false })).toEqual([false, undefined, 0]);
    });

    it('verifies several PJ sharing one chunk, and one PJ spread over many', async () => {
      const spec: PesAllerSpec = {
        ...pesAllerShapes.pjOnly(),
        pjs: [
          ...Array.from({ length: 30 }, (_, i) => ({ idUnique: `P${i}`, nomPJ: 'p.pdf', content: { bytes: Buffer.from(`pj ${i}`) } })),
          { idUnique: 'BIG', nomPJ: 'big.bin', content: { randomBytes: 500_000, seed: 7 }, lineLength: 64 },
        ],
      };
      const { pjs } = await readPesAller(chunked(await pesAllerBuffer(spec), 50_000));
      expect(pjs.filter((pj) => pj.contentOk)).toHaveLength(31);
      expect(pjs.at(-1)?.inflatedBytes).toBe(500_000);
    });
  });
});
