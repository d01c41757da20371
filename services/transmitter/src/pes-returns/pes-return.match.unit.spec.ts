import { describe, expect, it } from '@jest/globals';
import type { PesFileRecord } from '../pes/pes-file-registry.js';
import { matchPesFile } from './pes-return.match.js';

function file(fileName: string, transmissionId: string, nomFic = 'PES_0001.xml', codCol = '001'): PesFileRecord {
  return { fileName, transmissionId, siret: '21210231300013', nomFic, codCol, day: '2026-01-05', number: 1, sha256: 'a'.repeat(64), size: 10 };
}

/** The registry's lookups over a list, as the table answers them. */
function registry(files: readonly PesFileRecord[]) {
  return {
    byFileName: (name: string) => Promise.resolve(files.find((f) => f.fileName === name)),
    byNomFic: (nomFic: string, codCol: string | undefined) =>
      Promise.resolve(files.filter((f) => f.nomFic === nomFic && (codCol === undefined || f.codCol === codCol))),
  };
}

const first = file('PESALR2_21210231300013_260105_001.xml', 't-1');
const again = file('PESALR2_21210231300013_260106_001.xml', 't-2');
const otherBudget = file('PESALR2_21210231300013_260105_002.xml', 't-3', 'PES_0001.xml', '002');
const waiting = (...ids: string[]) => (f: PesFileRecord) => Promise.resolve(ids.includes(f.transmissionId));

describe('matchPesFile', () => {
  it('takes the file the server says it answers, when the acquittal names its NomFic and CodCol', async () => {
    const files = registry([first, again]);
    expect(await matchPesFile(files, { nomFic: 'PES_0001.xml', codCol: '001' }, again.fileName, waiting())).toEqual({ kind: 'matched', found: again });
  });

  it('refuses the file the server names when the acquittal names another NomFic or CodCol', async () => {
    const match = await matchPesFile(registry([first]), { nomFic: 'PES_0001.xml', codCol: '009' }, first.fileName, waiting('t-1'));
    expect(match).toMatchObject({ kind: 'unmatched', why: expect.stringContaining('CodCol 009') });
  });

  it('finds the file by NomFic and CodCol otherwise', async () => {
    const files = registry([first, otherBudget]);
    expect(await matchPesFile(files, { nomFic: 'PES_0001.xml', codCol: '002' }, undefined, waiting())).toEqual({ kind: 'matched', found: otherBudget });
    expect(await matchPesFile(files, { nomFic: 'PES_0001.xml', codCol: '001' }, 'PESALR2_unknown.xml', waiting())).toEqual({ kind: 'matched', found: first });
  });

  it('goes by NomFic alone when the acquittal gives no CodCol', async () => {
    expect(await matchPesFile(registry([otherBudget]), { nomFic: 'PES_0001.xml', codCol: undefined }, undefined, waiting())).toEqual({
      kind: 'matched',
      found: otherBudget,
    });
  });

  it('takes the one still waiting for its answer when a NomFic was sent twice, and no guess otherwise', async () => {
    const files = registry([first, again]);
    const ref = { nomFic: 'PES_0001.xml', codCol: '001' };
    expect(await matchPesFile(files, ref, undefined, waiting('t-2'))).toEqual({ kind: 'matched', found: again });
    expect(await matchPesFile(files, ref, undefined, waiting('t-1', 't-2'))).toMatchObject({ kind: 'unmatched', why: expect.stringContaining('2 PES files') });
    expect(await matchPesFile(files, ref, undefined, waiting())).toMatchObject({ kind: 'unmatched' });
  });

  it('matches nothing for a NomFic of no file of ours', async () => {
    expect(await matchPesFile(registry([first]), { nomFic: 'AUTRE.xml', codCol: '001' }, undefined, waiting())).toEqual({
      kind: 'unmatched',
      why: 'no PES file of ours has NomFic AUTRE.xml of CodCol 001',
    });
  });
});
