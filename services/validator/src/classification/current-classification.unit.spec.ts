import { Readable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import type { ActesClassification } from '@relais/actes';
import type { BlobStore } from '@relais/blob-store';
import { initialClassificationState, type ClassificationState } from '@relais/domain';
import type { ClassificationCommands } from '@relais/service-kit';
import { retourClassification } from '../../test/flow.js';
import { CurrentClassifications } from './current-classification.js';

const fallback: ActesClassification = { version: '2019-03-01', codes: new Set(['7', '7.1']) };
const withCurrent = (sha256: string): ClassificationState => ({
  ...initialClassificationState(),
  current: { dateClassification: '2026-11-01', sha256, size: 1, receivedAt: '2026-11-01T09:00:00.000Z', messageId: 'm' },
});

/** Collectivités' states by SIREN, and a blob store counting what it is asked to read. */
function fakes(states: Readonly<Record<string, ClassificationState>>, files: Readonly<Record<string, Buffer>>) {
  const blobs = {
    reads: 0,
    get(sha256: string): Promise<Readable> {
      blobs.reads += 1;
      const bytes = files[sha256];
      return bytes === undefined ? Promise.reject(new Error(`no blob ${sha256}`)) : Promise.resolve(Readable.from([bytes]));
    },
  };
  const commands = { load: (siren: string) => Promise.resolve({ state: states[siren] ?? initialClassificationState() }) };
  return { blobs, commands: commands as unknown as ClassificationCommands, store: blobs as unknown as BlobStore };
}

describe('CurrentClassifications', () => {
  it('gives the default without a 7-2, else the 7-2 parsed once however many actes ask', async () => {
    const hash = 'b'.repeat(64);
    const { blobs, commands, store } = fakes({ a: withCurrent(hash), b: withCurrent(hash) }, { [hash]: retourClassification('2026-11-01', ['1', '1.1']) });
    const current = new CurrentClassifications(commands, store, fallback);
    expect(await current.of('never-registered')).toEqual({ source: 'default', catalogue: fallback });
    const results = await Promise.all([current.of('a'), current.of('b'), current.of('a')]);
    expect(results.map((r) => [r.source, r.catalogue.version, [...r.catalogue.codes]])).toEqual(Array(3).fill(['prefecture', '2026-11-01', ['1', '1.1']]));
    expect(blobs.reads).toBe(1);
  });

  it('keeps at most its bound of 7-2s, the least recently used dropped, and never a failed read', async () => {
    const files: Record<string, Buffer> = {};
    const states: Record<string, ClassificationState> = {};
    for (const c of ['1', '2', '3']) {
      files[c.repeat(64)] = retourClassification(`2026-10-0${c}`, [c]);
      states[c] = withCurrent(c.repeat(64));
    }
    states['missing'] = withCurrent('f'.repeat(64));
    const { blobs, commands, store } = fakes(states, files);
    const current = new CurrentClassifications(commands, store, fallback, 2);
    // 1, 2 read; 1 used again (kept); 3 read, dropping 2; 1 still kept; 2 read again.
    for (const siren of ['1', '2', '1', '3', '1', '2']) await current.of(siren);
    expect(blobs.reads).toBe(4);
    await expect(current.of('missing')).rejects.toThrow(/no blob/);
    await expect(current.of('missing')).rejects.toThrow(/no blob/);
    expect(blobs.reads).toBe(6);
  });
});
