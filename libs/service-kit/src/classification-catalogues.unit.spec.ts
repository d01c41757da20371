import { Readable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import type { ActesClassification } from '@relais/actes';
import type { BlobStore } from '@relais/blob-store';
import { evolveClassification, initialClassificationState, type ClassificationEvent, type ClassificationState } from '@relais/domain';
import { retourClassificationXml as retourClassification } from '@relais/testing';
import { ClassificationCatalogues } from './classification-catalogues.js';
import type { ClassificationCommands } from './classifications.js';

const siren = '212102313';
const fallback: ActesClassification = { version: '2019-03-01', codes: new Set(['7', '7.1']), natures: new Map([['DE', new Set(['99_DE'])]]) };
const requested: ClassificationEvent = { type: 'ClassificationRequested', data: { siren, at: '2026-11-01T08:00:00.000Z', requestId: 'rq-1', requestedBy: 'token:t1', dateClassificationHeld: '' } };
const sent: ClassificationEvent = {
  type: 'ClassificationRequestSent',
  data: { siren, at: '2026-11-01T08:01:00.000Z', requestId: 'rq-1', fileName: 'RLS-EACT--212102313--20261101-1.tar.gz', sha256: 'a'.repeat(64) },
};
const received: ClassificationEvent = {
  type: 'ClassificationReceived',
  data: { siren, at: '2026-11-01T09:00:00.000Z', dateClassification: '2026-10-15', sha256: 'b'.repeat(64), size: 900, messageId: 'm-1', requestId: 'rq-1' },
};
const stateOf = (...events: ClassificationEvent[]) => events.reduce(evolveClassification, initialClassificationState());

/** A blob store holding some files, counting what is read. */
function memoryBlobs(files: Readonly<Record<string, Buffer>>): BlobStore & { reads: number } {
  const store = {
    reads: 0,
    get(sha256: string): Promise<Readable> {
      store.reads += 1;
      const bytes = files[sha256];
      return bytes === undefined ? Promise.reject(new Error(`no blob ${sha256}`)) : Promise.resolve(Readable.from([bytes]));
    },
  };
  return store as unknown as BlobStore & { reads: number };
}

describe('ClassificationCatalogues', () => {
  it('gives the default until a 7-2, then the 7-2 parsed once from the blob store', async () => {
    const blobs = memoryBlobs({ ['b'.repeat(64)]: retourClassification('2026-10-15', ['1', '1.1'], { DE: ['99_DE'] }) });
    const catalogues = new ClassificationCatalogues(blobs, fallback);
    expect(await catalogues.current(stateOf(requested))).toEqual({ source: 'default', catalogue: fallback });
    const state = stateOf(requested, sent, received);
    const [first, second] = await Promise.all([catalogues.current(state), catalogues.current(state)]);
    expect(first.source).toBe('prefecture');
    expect(first.catalogue.version).toBe('2026-10-15');
    expect([...first.catalogue.codes]).toEqual(['1', '1.1']);
    expect(second).toEqual(first);
    expect(blobs.reads).toBe(1);
  });

  it('keeps at most its bound of parsed 7-2s, and does not keep a failed read', async () => {
    const files: Record<string, Buffer> = {};
    for (const c of ['1', '2', '3']) files[c.repeat(64)] = retourClassification(`2026-10-0${c}`, [c]);
    const blobs = memoryBlobs(files);
    const catalogues = new ClassificationCatalogues(blobs, fallback, 2);
    const withCurrent = (sha256: string) => stateOf({ ...received, data: { ...received.data, sha256 } });
    for (const c of ['1', '2', '3', '1']) await catalogues.current(withCurrent(c.repeat(64)));
    expect(blobs.reads).toBe(4);
    await expect(catalogues.current(withCurrent('f'.repeat(64)))).rejects.toThrow(/no blob/);
    await expect(catalogues.current(withCurrent('f'.repeat(64)))).rejects.toThrow(/no blob/);
    expect(blobs.reads).toBe(6);
  });
});

describe('ClassificationCatalogues.of', () => {
  it("reads a collectivité's stream: the default without a 7-2 (or never registered), else its 7-2", async () => {
    const blobs = memoryBlobs({ ['b'.repeat(64)]: retourClassification('2026-10-15', ['1', '1.1']) });
    const states: Readonly<Record<string, ClassificationState>> = { [siren]: stateOf(requested, sent, received) };
    const commands = { load: (s: string) => Promise.resolve({ state: states[s] ?? initialClassificationState() }) } as unknown as ClassificationCommands;
    const catalogues = new ClassificationCatalogues(blobs, fallback);
    expect(await catalogues.of(commands, '213105554')).toEqual({ source: 'default', catalogue: fallback });
    expect((await catalogues.of(commands, siren)).catalogue.version).toBe('2026-10-15');
  });
});
