import { beforeAll, describe, expect, it } from '@jest/globals';
import { fuzz, junkBytes, mutatedBytes, refusedWithCode, xmlWithInjection } from '@relais/testing';
import fc from 'fast-check';
import { readSharedPesSample, sharedPesSample } from '../test/shared-data.js';
import { parsePesAckFile } from './acquit/acquit.parse.js';
import { readPesAller } from './aller/pes-aller.read.js';
import { PesErrorCode } from './pes.errors.js';
import { chunked, pesAllerBuffer, pesAllerShapes } from './testing/index.js';

// PES files at both edges: the PES_Aller a collectivité uploads (POST /api/v1/pes) and the
// PES_Acquit / PES_NonAcquit the DGFiP drops in the SFTP returns folder. Whatever the bytes, each
// reader gives its summary or refuses with a `PES.*` code, never another error.

const CODES = Object.values(PesErrorCode);

/** The ways text gets damaged: bytes mutated, or hostile XML spliced in (written back in the file's own encoding). */
function damaged(sample: Buffer, encoding: BufferEncoding): fc.Arbitrary<Uint8Array> {
  return fc.oneof(mutatedBytes(sample), xmlWithInjection(sample.toString(encoding)).map((text) => new Uint8Array(Buffer.from(text, encoding))));
}

describe('reading a hostile PES_Aller (fuzzed)', () => {
  let latin1: Buffer;
  let utf8: Buffer;

  beforeAll(async () => {
    latin1 = await pesAllerBuffer(pesAllerShapes.mixed());
    utf8 = await pesAllerBuffer(pesAllerShapes.mixed('UTF-8'));
  });

  it('reads or refuses with a PES.* code a generated file damaged, whatever the chunk sizes', async () => {
    await fuzz(
      'pes.readPesAller: damaged generated files',
      fc.asyncProperty(
        fc.oneof(damaged(latin1, 'latin1'), damaged(utf8, 'utf8')),
        fc.integer({ min: 1, max: 70_000 }),
        async (bytes, chunkBytes) => {
          const result = await refusedWithCode(() => readPesAller(chunked(bytes, chunkBytes)), CODES);
          if (/<!DOCTYPE/i.test(Buffer.from(bytes).toString('latin1')) && !result.ok) {
            // A DOCTYPE is refused as such unless something before it was refused first.
            expect([PesErrorCode.DoctypeForbidden, PesErrorCode.MalformedXml, PesErrorCode.EncodingInvalid, PesErrorCode.EncodingUnsupported]).toContain(result.code);
          }
        },
      ),
      { runs: 200 },
    );
  });

  it('refuses random bytes with a PES.* code', async () => {
    await fuzz(
      'pes.readPesAller: junk',
      fc.asyncProperty(junkBytes(), async (bytes) => {
        const result = await refusedWithCode(() => readPesAller(chunked(bytes, 1 + (bytes.length % 97))), CODES);
        expect(result.ok).toBe(false);
      }),
    );
  });

  const signed = 'PESALR2_signed_with_pj.xml';
  (safePath(signed) !== '' ? it : it.skip)(
    'reads or refuses with a PES.* code the shared 2 MB signed sample damaged',
    async () => {
      const sample = readSharedPesSample(signed);
      await fuzz(
        'pes.readPesAller: damaged shared sample',
        fc.asyncProperty(mutatedBytes(sample), async (bytes) => {
          await refusedWithCode(() => readPesAller(chunked(bytes)), CODES);
        }),
        // Each case reads 2 MB: a few in CI, their share in the long run.
        { runs: 8 },
      );
    },
  );
});

describe('reading a hostile PES_Acquit or PES_NonAcquit (fuzzed)', () => {
  const name = 'PES_ACQUIT_example.xml';

  (safePath(name) !== '' ? it : it.skip)('reads or refuses with a PES.* code the shared PES_ACQUIT sample damaged', async () => {
    const sample = readSharedPesSample(name);
    await fuzz(
      'pes.parsePesAckFile: damaged shared sample',
      fc.asyncProperty(damaged(sample, 'latin1'), async (bytes) => {
        await refusedWithCode(() => parsePesAckFile(bytes), CODES);
      }),
      { runs: 400 },
    );
  });

  it('refuses random bytes and random XML with a PES.* code', async () => {
    await fuzz(
      'pes.parsePesAckFile: junk',
      fc.asyncProperty(fc.oneof(junkBytes(), fc.string({ unit: 'binary' }).map((s) => Buffer.from(`<PES_ACQUIT>${s}</PES_ACQUIT>`, 'utf8'))), async (bytes) => {
        const result = await refusedWithCode(() => parsePesAckFile(bytes), CODES);
        expect(result.ok).toBe(false);
      }),
    );
  });
});

/** The shared sample's path, or '' when the shared folder is absent (the test is then skipped). */
function safePath(name: string): string {
  try {
    return sharedPesSample(name);
  } catch {
    return '';
  }
}
