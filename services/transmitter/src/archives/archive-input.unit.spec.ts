import { describe, expect, it } from '@jest/globals';
import { buildActeArchive, NOM_ARCHIVE_REGEX } from '@relais/actes';
import type { ActeSubmission } from '@relais/domain';
import { acte } from '@relais/domain/testing';
import { archiveInput, classificationDateVersion, dayIn, fileExtension } from './archive-input.js';

const collectivite = { siren: '212102313', departement: '021', arrondissement: '1', nature: '31' };
const settings = { operatorTrigram: 'RLS', returnAddress: 'actes-retour@relais.example.org', classificationDate: '2019-03-01' };
const withAnnexe: ActeSubmission = {
  ...acte,
  annexes: [{ file: { sha256: 'd'.repeat(64), size: 3, name: 'plan.png', mediaType: 'image/png' } }],
};

describe('archiveInput', () => {
  it('names the archive TRI-EACT--SIREN--YYYYMMDD-N.tar.gz and each file by the convention, generic piece types by default', async () => {
    const archive = await buildActeArchive(
      archiveInput({
        acte: withAnnexe,
        collectivite,
        document: Buffer.from('%PDF-1.7\n%%EOF\n'),
        annexes: [Buffer.from([0x89, 0x50, 0x4e])],
        dateEnvoi: '2026-01-05',
        sequence: 12,
        settings,
      }),
    );
    expect(archive.name).toBe('RLS-EACT--212102313--20260105-12.tar.gz');
    expect(archive.name).toMatch(NOM_ARCHIVE_REGEX);
    expect(archive.idActe).toBe('021-212102313-20260104-DEL2026_001-DE');
    expect(archive.files.map((file) => file.name)).toEqual([
      'EACT--212102313--20260105-12.xml',
      '021-212102313-20260104-DEL2026_001-DE-1-1_0.xml',
      '99_DE-021-212102313-20260104-DEL2026_001-DE-1-1_1.pdf',
      '99_DE-021-212102313-20260104-DEL2026_001-DE-1-1_2.png',
    ]);
  });

  it('keeps the piece types the collectivité gave', () => {
    const input = archiveInput({
      acte: { ...withAnnexe, typePJ: '99_AT', annexes: [{ ...withAnnexe.annexes[0]!, typePJ: '41_NC' }] },
      collectivite,
      document: Buffer.from('%PDF'),
      annexes: [Buffer.from('png')],
      dateEnvoi: '2026-01-05',
      sequence: 1,
      settings,
    });
    expect(input.acte.document.codeTypePJ).toBe('99_AT');
    expect(input.acte.annexes.map((annexe) => annexe.codeTypePJ)).toEqual(['41_NC']);
    expect(input.acte.nature).toBe(1);
    expect(input.acte.classificationDateVersion).toBe('2019-03-01');
    expect(input.adressesRetour).toEqual(['actes-retour@relais.example.org']);
  });
});

describe('classificationDateVersion', () => {
  it('declares what the imported archive declared, else the collectivité’s last 7-2, else the platform default', () => {
    expect(classificationDateVersion({ ...acte, classificationDateVersion: '2017-11-13' }, '2026-11-01', '2019-03-01')).toBe('2017-11-13');
    expect(classificationDateVersion(acte, '2026-11-01', '2019-03-01')).toBe('2026-11-01');
    expect(classificationDateVersion(acte, undefined, '2019-03-01')).toBe('2019-03-01');
  });

  it('is what the archive’s Acte says', () => {
    const input = archiveInput({
      acte,
      collectivite,
      document: Buffer.from('%PDF'),
      annexes: [],
      dateEnvoi: '2026-01-05',
      sequence: 1,
      settings,
      currentClassification: '2026-11-01',
    });
    expect(input.acte.classificationDateVersion).toBe('2026-11-01');
  });
});

describe('fileExtension', () => {
  const file = (name: string, mediaType: string) => ({ sha256: 'a'.repeat(64), size: 1, name, mediaType });

  it('takes the media type first, then the name', () => {
    expect(fileExtension(file('x.bin', 'application/pdf'))).toBe('pdf');
    expect(fileExtension(file('budget.xml', 'text/xml; charset=ISO-8859-1'))).toBe('xml');
    expect(fileExtension(file('photo.JPEG', 'application/octet-stream'))).toBe('jpg');
  });

  it('refuses what @ctes does not carry, with a stable code', () => {
    expect(() => fileExtension(file('notes.docx', 'application/msword'))).toThrow(
      expect.objectContaining({ code: 'TRANSMITTER.FILE_TYPE_UNSUPPORTED' }),
    );
  });
});

describe('dayIn', () => {
  it('gives the calendar day of the time zone, not of UTC', () => {
    expect(dayIn('Europe/Paris', new Date('2026-01-05T23:30:00Z'))).toBe('2026-01-06');
    expect(dayIn('UTC', new Date('2026-01-05T23:30:00Z'))).toBe('2026-01-05');
    expect(dayIn('America/Cayenne', new Date('2026-01-06T01:30:00Z'))).toBe('2026-01-05');
  });
});
