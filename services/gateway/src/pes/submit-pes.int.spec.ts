import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pesAllerBuffer, pesAllerMutations, pesAllerShapes, PES_SAMPLE, type PesAllerMutationName, type PesAllerSpec } from '@relais/pes/testing';
import type pg from 'pg';
import { acteForm, errorCodes, startGateway, type TestGateway } from '../../test/gateway.js';
import { postPes, sharedPesSample } from '../../test/pes.js';

const MIB = 1024 * 1024;

let gw: TestGateway;
let small: TestGateway;
let siren: string;
let token: string;
let smallToken: string;

beforeAll(async () => {
  gw = await startGateway();
  siren = await gw.registerCollectivite();
  ({ token } = await gw.issueToken('collectivite', siren));
  small = await startGateway({ settings: { pesMaxUploadBytes: MIB } });
  ({ token: smallToken } = await small.issueToken('collectivite', await small.registerCollectivite()));
});

afterAll(async () => {
  await gw.close();
  await small.close();
});

interface ReceivedPes {
  readonly type: string;
  readonly data: { siren: string; submission: Record<string, unknown> };
}

async function receivedEvent(id: string): Promise<ReceivedPes> {
  const response = await gw.call(`/api/v1/transmissions/${id}/events`, { token });
  const { items } = (await response.json()) as { items: ReceivedPes[] };
  return items[0]!;
}

async function count(pool: pg.Pool, sql: string): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(sql);
  return rows[0]!.n;
}
const transmissionEvents = (pool: pg.Pool) => count(pool, `SELECT count(*)::int AS n FROM events WHERE stream_id LIKE 'transmission-%'`);
const storedBlob = (pool: pg.Pool, sha256: string) => count(pool, `SELECT count(*)::int AS n FROM blobs WHERE sha256 = '${sha256}'`);
const stagedChunks = (pool: pg.Pool) => count(pool, `SELECT count(*)::int AS n FROM blob_chunks WHERE sha256 LIKE 'upload:%'`);
const sha256Of = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

let nomFics = 0;
/** A shape under a NomFic of its own. */
function unique(spec: PesAllerSpec): PesAllerSpec {
  nomFics += 1;
  return { ...spec, nomFic: `PES_GW_${nomFics}.xml` };
}

describe('POST /api/v1/pes', () => {
  it('records a PES_Aller with the identifiers of its header, the file stored byte for byte under its NomFic', async () => {
    const bytes = await pesAllerBuffer(unique(pesAllerShapes.mixed()));
    const response = await postPes(gw, token, bytes);
    expect(response.status).toBe(202);
    const { id, status } = (await response.json()) as { id: string; status: string };
    expect(status).toBe('received');

    const event = await receivedEvent(id);
    expect(event.type).toBe('TransmissionReceived');
    const file = { sha256: sha256Of(bytes), size: bytes.length, name: `PES_GW_${nomFics}.xml`, mediaType: 'application/xml' };
    expect(event.data).toEqual({
      transmissionId: id,
      at: expect.any(String),
      siren,
      submission: { kind: 'pes', nomFic: file.name, codCol: PES_SAMPLE.codCol, codBud: PES_SAMPLE.codBud, idPost: PES_SAMPLE.idPost, idColl: PES_SAMPLE.siret, file },
    });
    const view = (await (await gw.call(`/api/v1/transmissions/${id}`, { token })).json()) as Record<string, unknown>;
    expect(view).toMatchObject({ id, kind: 'pes', siren, status: 'received', pes: { nomFic: file.name, codCol: PES_SAMPLE.codCol, idPost: PES_SAMPLE.idPost } });
    const served = await gw.call(`/api/v1/transmissions/${id}/files/${file.sha256}`, { token });
    expect(served.headers.get('content-type')).toMatch(/^application\/xml/);
    expect(Buffer.from(await served.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('takes text/xml and application/octet-stream bodies, and a file in UTF-8 as it declares', async () => {
    for (const [contentType, spec] of [
      ['text/xml; charset=ISO-8859-1', pesAllerShapes.depense()],
      ['application/octet-stream', pesAllerShapes.recette()],
      ['application/xml', pesAllerShapes.pjOnly('UTF-8')],
    ] as const) {
      const response = await postPes(gw, token, await pesAllerBuffer(unique(spec)), { contentType });
      expect([contentType, response.status]).toEqual([contentType, 202]);
    }
  });

  it('ingests the real PES_Aller sample (signed dépense bordereau, one PJ, 2 MB)', async () => {
    const bytes = await readFile(sharedPesSample('PESALR2_signed_with_pj.xml'));
    const response = await postPes(gw, token, bytes);
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };
    expect((await receivedEvent(id)).data.submission).toEqual({
      kind: 'pes',
      nomFic: 'HELIOS_SIMU_ALR2_1514384443_86804893.xml',
      codCol: '123',
      codBud: '12',
      idPost: '034000',
      idColl: '12345678912345',
      file: { sha256: sha256Of(bytes), size: 2_009_021, name: 'HELIOS_SIMU_ALR2_1514384443_86804893.xml', mediaType: 'application/xml' },
    });
    expect(await storedBlob(gw.db.pool, sha256Of(bytes))).toBe(1);
  });

  /** What cannot be a PES_Aller at all: refused at once with its code and where, nothing recorded. */
  const refusals: readonly [PesAllerMutationName, number][] = [
    ['doctype', 422],
    ['malformed', 400],
    ['encodingUnsupported', 400],
    ['encodingInvalid', 400],
    ['notPesAller', 422],
    ['nomFicMissing', 422],
    ['idPostInvalid', 422],
  ];

  it.each(refusals)('refuses %s at once (%i) with its code and where it lies, recording nothing', async (name, status) => {
    const { bytes, expected } = await pesAllerMutations[name](unique(pesAllerShapes.mixed()));
    const before = await transmissionEvents(gw.db.pool);
    const response = await postPes(gw, token, bytes);
    expect(response.status).toBe(status);
    const { errors } = (await response.json()) as { errors: { code: string; message: string; field?: string }[] };
    expect(errors).toHaveLength(1);
    const [error] = errors;
    expect(error!.code).toBe(expected.code);
    // `field` is the element path, then `@line(:column)`: the mutation's, when it says where.
    const line = expected.location?.line;
    const at = line === undefined ? '' : `@${line}(:\\d+)?`;
    if (expected.field === undefined && line === undefined) expect(error!.field).toBeUndefined();
    else expect(error!.field).toMatch(new RegExp(`^${expected.field ?? ''}${at}$`));
    if (line !== undefined) expect(error!.message).toContain(`(ligne ${line}`);
    expect(await transmissionEvents(gw.db.pool)).toBe(before);
    expect(await stagedChunks(gw.db.pool)).toBe(0);
  });

  it('refuses a file read as far as a DOCTYPE without storing any of it', async () => {
    const { bytes } = await pesAllerMutations.doctype(unique(pesAllerShapes.large({ bordereaux: 1, piecesPerBordereau: 1, pjSizes: [3 * MIB] })));
    const response = await postPes(gw, token, bytes);
    expect(response.status).toBe(422);
    expect(await storedBlob(gw.db.pool, sha256Of(bytes))).toBe(0);
    expect(await stagedChunks(gw.db.pool)).toBe(0);
  });

  it('names every missing identifier of the header at once, with its line when the tag is there', async () => {
    const spec = unique(pesAllerShapes.depense());
    const bytes = await pesAllerBuffer({ ...spec, enTete: { ...spec.enTete, codCol: '', idColl: undefined, idPost: ' ' } });
    const response = await postPes(gw, token, bytes);
    expect(response.status).toBe(422);
    const { errors } = (await response.json()) as { errors: { code: string; field?: string }[] };
    expect(errors.map((e) => [e.code, e.field])).toEqual([
      ['PES.COD_COL_INVALID', 'EnTetePES/CodCol@19'],
      ['PES.ID_POST_INVALID', 'EnTetePES/IdPost@18'],
      ['PES.ID_COLL_INVALID', 'EnTetePES/IdColl'],
    ]);
  });

  /** Every other rule is the validator's: the file is recorded, to be rejected with its code after the 202. */
  const laterRules: readonly PesAllerMutationName[] = [
    'encodingNotAccepted',
    'encodingNotDeclared',
    'wrongNamespace',
    'empty',
    'typFic',
    'nomFicTooLong',
    'idCollInvalid',
    'idCollUnknown',
    'codColInvalid',
    'codBudInvalid',
    'idPostUnknown',
    'tripletNotAllowed',
    'tripletIncomplete',
    'pjIdUniqueInvalid',
    'pjIdUniqueDuplicate',
    'pjContentNotBase64',
    'pjContentNotGzip',
    'pjContentTruncated',
    'pjContentEmpty',
  ];

  it.each(laterRules)('records a file breaking %s, for the validator to reject', async (name) => {
    const { bytes } = await pesAllerMutations[name](unique(pesAllerShapes.mixed()));
    expect((await postPes(gw, token, bytes)).status).toBe(202);
  });

  it('answers 415 REQUEST.UNSUPPORTED_MEDIA_TYPE to another body type, reading nothing', async () => {
    const response = await postPes(gw, token, await pesAllerBuffer(unique(pesAllerShapes.depense())), { contentType: 'text/plain' });
    expect(response.status).toBe(415);
    expect(await errorCodes(response)).toEqual(['REQUEST.UNSUPPORTED_MEDIA_TYPE']);
  });

  it('answers 413 REQUEST.UPLOAD_TOO_LARGE past the limit, streamed or declared, and keeps nothing', async () => {
    const bytes = await pesAllerBuffer(unique(pesAllerShapes.large({ bordereaux: 1, piecesPerBordereau: 1, pjSizes: [2 * MIB] })));
    const declared = await postPes(small, smallToken, bytes);
    expect(declared.status).toBe(413);
    expect(await errorCodes(declared)).toEqual(['REQUEST.UPLOAD_TOO_LARGE']);
    // Without a Content-Length the limit holds as the bytes arrive.
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        for (let at = 0; at < bytes.length; at += 64 * 1024) controller.enqueue(bytes.subarray(at, at + 64 * 1024));
        controller.close();
      },
    });
    const streamed = await postPes(small, smallToken, stream);
    expect(streamed.status).toBe(413);
    expect(await errorCodes(streamed)).toEqual(['REQUEST.UPLOAD_TOO_LARGE']);
    expect(await transmissionEvents(small.db.pool)).toBe(0);
    expect(await count(small.db.pool, 'SELECT count(*)::int AS n FROM blobs')).toBe(0);
    expect(await stagedChunks(small.db.pool)).toBe(0);
  });

  it('answers a retry under the same Idempotency-Key with the first answer, recording nothing new; a key of an acte is not a PES one', async () => {
    const bytes = await pesAllerBuffer(unique(pesAllerShapes.depense()));
    const first = await postPes(gw, token, bytes, { idempotencyKey: 'pes-key-1' });
    const again = await postPes(gw, token, bytes, { idempotencyKey: 'pes-key-1' });
    expect([first.status, again.status]).toEqual([202, 202]);
    const { id } = (await first.json()) as { id: string };
    expect(((await again.json()) as { id: string }).id).toBe(id);
    const events = (await (await gw.call(`/api/v1/transmissions/${id}/events`, { token })).json()) as { items: unknown[] };
    expect(events.items).toHaveLength(1);

    const acte = await gw.call('/api/v1/actes', { method: 'POST', token, body: acteForm(), headers: { 'idempotency-key': 'shared-key' } });
    const pes = await postPes(gw, token, await pesAllerBuffer(unique(pesAllerShapes.recette())), { idempotencyKey: 'shared-key' });
    expect([acte.status, pes.status]).toEqual([202, 202]);
    expect(((await pes.json()) as { id: string }).id).not.toBe(((await acte.json()) as { id: string }).id);
  });

  it('is for collectivités only', async () => {
    const supervisor = await gw.issueToken('supervisor');
    const response = await postPes(gw, supervisor.token, await pesAllerBuffer(unique(pesAllerShapes.depense())));
    expect(response.status).toBe(403);
    expect(await errorCodes(response)).toEqual(['AUTH.FORBIDDEN']);
  });
});
