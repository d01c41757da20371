import { describe, expect, it } from '@jest/globals';
import { fuzz, junkBytes, mutatedBytes, refusedWithCode, xmlWithInjection } from '@relais/testing';
import fc from 'fast-check';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { ACTES_NAMESPACE, INSEE_NAMESPACE, LATIN1_XML_DECLARATION } from '../archive/archive.latin1-xml.js';
import { ClassificationErrorCode } from '../classification/classification.errors.js';
import { parseClassificationJson, parseRetourClassification } from '../classification/classification.read.js';
import { ActesXmlErrorCode, decodeXmlText, parseActesXml } from '../xml/actes-xml.read.js';
import { PrefectureMessageErrorCode } from './prefecture.errors.js';
import { parsePrefectureMessage } from './prefecture.parse.js';
import type { PrefectureFile } from './prefecture.types.js';

// What comes back from the State side (the préfecture's mails, read by the transmitter): whatever
// the bytes, every reader either reads them or refuses with its own code, never another error.

const SIREN = '212102313';
const ID = `021-${SIREN}-20261127-DELIB_1-DE`;
const NS = `xmlns:actes="${ACTES_NAMESPACE}" xmlns:insee="${INSEE_NAMESPACE}"`;
const latin1 = (lines: readonly string[]): Buffer => Buffer.from([LATIN1_XML_DECLARATION, ...lines, ''].join('\n'), 'latin1');

const ENVELOPE: PrefectureFile = {
  name: `EACT--PREF021-${SIREN}-20261130-7.xml`,
  content: latin1([
    `<actes:EnveloppeMISILLCL ${NS}>`,
    '  <actes:Emetteur><actes:IDPref actes:Departement="021"/></actes:Emetteur>',
    `  <actes:FormulairesEnvoyes><actes:Formulaire><actes:NomFichier>${ID}-2-1_0.xml</actes:NomFichier></actes:Formulaire></actes:FormulairesEnvoyes>`,
    `  <actes:Destinataire insee:SIREN="${SIREN}"/>`,
    '</actes:EnveloppeMISILLCL>',
  ]),
};

/** A few real-shaped messages of different kinds (their complete set is in prefecture.parse.unit.spec.ts). */
const SAMPLES: readonly (readonly PrefectureFile[])[] = [
  [
    {
      name: `${ID}-1-2_0.xml`,
      content: latin1([
        `<actes:ARActe ${NS} actes:IDActe="${ID}" actes:DateReception="2026-11-30">`,
        '  <actes:ActeRecu actes:Date="2026-11-27" actes:NumeroInterne="DELIB_1" actes:CodeNatureActe="1">',
        '    <actes:CodeMatiere1 actes:CodeMatiere="7"/><actes:CodeMatiere2 actes:CodeMatiere="1"/>',
        '    <actes:Objet>Budget primitif : l&apos;école &amp; la crèche</actes:Objet>',
        '    <actes:ClassificationDateVersion>2019-03-01</actes:ClassificationDateVersion>',
        `    <actes:Document><actes:NomFichier>99_DE-${ID}-1-1_1.pdf</actes:NomFichier></actes:Document>`,
        '  </actes:ActeRecu>',
        '</actes:ARActe>',
      ]),
    },
  ],
  [
    {
      name: `ANO_EACT--${SIREN}--20261127-12.xml`,
      content: latin1([
        `<actes:AnomalieEnveloppe ${NS}>`,
        '  <actes:Date>2026-11-28</actes:Date><actes:Nature>003</actes:Nature><actes:Detail>Archive illisible</actes:Detail>',
        `  <actes:EnveloppeRecue><actes:Emetteur><actes:IDCL insee:SIREN="${SIREN}" actes:Departement="021"/></actes:Emetteur></actes:EnveloppeRecue>`,
        '</actes:AnomalieEnveloppe>',
      ]),
    },
  ],
  [
    ENVELOPE,
    {
      name: `${ID}-2-1_0.xml`,
      content: latin1([
        `<actes:CourrierSimple ${NS} actes:IDActe="${ID}" actes:DateCourrierPref="2026-12-01">`,
        `  <actes:Document><actes:NomFichier>${ID}-2-1_1.pdf</actes:NomFichier></actes:Document>`,
        '</actes:CourrierSimple>',
      ]),
    },
    { name: `${ID}-2-1_1.pdf`, content: Buffer.from('%PDF-1.4 courrier %%EOF') },
  ],
];

const PREFECTURE_CODES = Object.values(PrefectureMessageErrorCode);

/** One sample with one of its files damaged: bytes mutated, or hostile XML spliced into its text. */
const damagedSample = fc.constantFrom(...SAMPLES).chain((files) =>
  fc.nat({ max: files.length - 1 }).chain((index) => {
    const target = files[index];
    if (target === undefined) throw new Error('no such file');
    const contents = fc.oneof(
      mutatedBytes(target.content),
      xmlWithInjection(Buffer.from(target.content).toString('latin1')).map((text) => Buffer.from(text, 'latin1')),
    );
    return contents.map((content) => files.map((file, i) => (i === index ? { ...file, content } : file)));
  }),
);

describe('reading what the préfecture sends (fuzzed)', () => {
  it('reads every sample as it is', () => {
    for (const files of SAMPLES) expect(parsePrefectureMessage(files).siren).toBe(SIREN);
  });

  it('reads or refuses with an ACTES.REPLY_* code a damaged message', async () => {
    await fuzz(
      'actes.parsePrefectureMessage: damaged samples',
      fc.asyncProperty(damagedSample, async (files) => {
        const result = await refusedWithCode(() => parsePrefectureMessage(files), PREFECTURE_CODES);
        if (result.ok) expect(result.value.siren).toMatch(/^[0-9]{9}$/);
      }),
      { runs: 200 },
    );
  });

  it('refuses with an ACTES.REPLY_* code any set of junk files, whatever their names', async () => {
    const file = fc.record({
      name: fc.oneof(fc.constantFrom(`${ID}-1-2_0.xml`, `ANO_EACT--${SIREN}--20261127-1.xml`, ENVELOPE.name, 'x.xml', '../x.xml', ''), fc.string()),
      content: fc.oneof(junkBytes(512), fc.string().map((s) => Buffer.from(`<actes:${s}/>`, 'latin1'))),
    });
    await fuzz(
      'actes.parsePrefectureMessage: junk',
      fc.asyncProperty(fc.array(file, { maxLength: 4 }), async (files) => {
        await refusedWithCode(() => parsePrefectureMessage(files), PREFECTURE_CODES);
      }),
    );
  });
});

describe('reading @ctes XML (fuzzed)', () => {
  const XML_CODES = Object.values(ActesXmlErrorCode);

  it('parses or refuses with an ACTES.XML_* code, and refuses every DOCTYPE', async () => {
    const sample = Buffer.from(SAMPLES[0]?.[0]?.content ?? Buffer.alloc(0)).toString('latin1');
    await fuzz(
      'actes.parseActesXml: hostile fragments and junk',
      fc.asyncProperty(fc.oneof(xmlWithInjection(sample), fc.string({ unit: 'binary', maxLength: 300 })), async (text) => {
        const result = await refusedWithCode(() => parseActesXml(Buffer.from(text, 'latin1')), XML_CODES);
        if (/<!DOCTYPE/i.test(Buffer.from(text, 'latin1').toString('latin1'))) expect(result).toEqual({ ok: false, code: ActesXmlErrorCode.Doctype });
      }),
      { runs: 400 },
    );
  });

  it('decodes any text without throwing', async () => {
    const references = fc.oneof(
      fc.integer({ min: 0, max: 0x1fffff }).map((n) => `&#${n};`),
      fc.integer({ min: 0, max: 0x1fffff }).map((n) => `&#x${n.toString(16)};`),
      fc.constantFrom('&lt;', '&amp;', '&quot;', '&apos;', '&gt;', '&foo;', '&', '&#;', '&#x;'),
      fc.string(),
    );
    await fuzz(
      'actes.decodeXmlText',
      fc.property(fc.array(references, { maxLength: 8 }), (parts) => {
        expect(typeof decodeXmlText(parts.join(''))).toBe('string');
      }),
      { runs: 1_000 },
    );
  });
});

describe('reading a 7-2 classification (fuzzed)', () => {
  const samplePath = fileURLToPath(new URL('../../../../../shared/data/actes/RetourClassification_example.xml', import.meta.url));
  const CODES = Object.values(ClassificationErrorCode);

  (existsSync(samplePath) ? it : it.skip)('reads or refuses with ACTES.CLASSIFICATION_INVALID the shared 7-2 sample damaged', async () => {
    const sample = readFileSync(samplePath);
    await fuzz(
      'actes.parseRetourClassification: damaged sample',
      fc.asyncProperty(
        fc.oneof(mutatedBytes(sample), xmlWithInjection(sample.toString('latin1')).map((text) => Buffer.from(text, 'latin1'))),
        async (bytes) => {
          await refusedWithCode(() => parseRetourClassification(bytes), CODES);
        },
      ),
      { runs: 60 },
    );
  });

  it('reads or refuses a classification JSON with ACTES.CLASSIFICATION_INVALID (or SyntaxError when it is not JSON)', async () => {
    await fuzz(
      'actes.parseClassificationJson',
      fc.property(fc.oneof(fc.json(), fc.string()), (text) => {
        try {
          parseClassificationJson(text);
        } catch (error) {
          const code = (error as { code?: unknown }).code;
          if (!(error instanceof SyntaxError) && !(typeof code === 'string' && (CODES as string[]).includes(code))) throw error;
        }
      }),
      { runs: 400 },
    );
  });
});
