import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { NOM_ARCHIVE_REGEX, NOM_ENVELOPPE_REGEX } from '@relais/actes';
import { actesSchemaErrors, minimalPdf } from '@relais/testing';
import { untarGz } from './archive.js';
import { acteMetadata, Client, type ErrorBody, type EventsBody, type TestCollectivite, type TransmissionBody } from './client.js';
import { eventually, startPlatform, type Platform } from './platform.js';

/*
 * Issue 4, every @ctes message type of DOMAIN.md §1.3 over the real processes: the simulated préfecture
 * sends its letters (2-1, 3-1, 4-1, 5-1) on call, the platform acknowledges 3-1 and 4-1 on its own
 * (3-2, 4-2), the collectivité answers through the API (2-2, 3-3, 3-4, 4-3, 4-4), the préfecture
 * acknowledges the answers (3-5, 4-5); the anomalies (1-3, envelope); the classification (7-1 → 7-2 /
 * 7-3). Each step is checked in the transmission's history, and every archive Relais sent is read back
 * from the simulator: root element, namespace, ISO-8859-1, file names, and the official XSD.
 */
const ACTES_NS = 'http://www.interieur.gouv.fr/ACTES#v1.1-20040216';

let platform: Platform;
let client: Client;
let dijon: TestCollectivite;
let sequence = 0;

beforeAll(async () => {
  platform = await startPlatform({ env: { STATE_SIM_ACK_DELAY_MS: '100' } });
  await platform.waitUntilReady(90_000);
  client = new Client(platform);
  dijon = await client.collectivite('212102313', '021', '1');
}, 120_000);

afterAll(async () => {
  await platform.stop();
}, 30_000);

interface ExchangeBody {
  readonly number: number;
  readonly code: string;
  readonly text: string;
  readonly documents: readonly { readonly sha256: string; readonly name: string }[];
  readonly replies: readonly { readonly code: string; readonly sentAt?: string }[];
  readonly replyReceipt?: { readonly code: string };
}
type WithExchanges = TransmissionBody & { readonly acte?: { readonly idActe?: string; readonly exchanges?: readonly ExchangeBody[] } };

async function acknowledgedActe(): Promise<{ id: string; idActe: string }> {
  sequence += 1;
  const response = await client.submitActe(dijon.token, acteMetadata(`ECH2026_${sequence.toString()}`));
  expect(response.status).toBe(202);
  const { id } = (await response.json()) as { id: string };
  const t = await until(id, (body) => body.status === 'acknowledged', 'acknowledged');
  return { id, idActe: t.acte?.idActe ?? '' };
}

function until(id: string, ok: (body: WithExchanges) => boolean, what: string): Promise<WithExchanges> {
  return eventually(
    `transmission ${id}: ${what}`,
    async () => {
      const t: WithExchanges | undefined = await client.transmission(dijon.token, id).catch(() => undefined);
      return t !== undefined && ok(t) && t;
    },
    45_000,
  );
}

/** Makes the simulated préfecture send a letter about an acte. */
async function letter(idActe: string, code: string, text = 'Observations du contrôle de légalité.'): Promise<void> {
  const response = await fetch(`${platform.simUrl}/sim/actes/${idActe}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code, text }),
  });
  expect(response.status).toBe(201);
}

async function reply(id: string, exchange: number, code: string, documents = 1): Promise<Response> {
  const form = new FormData();
  form.append('metadata', JSON.stringify({ code }));
  for (let i = 1; i <= documents; i += 1) {
    form.append('documents', new Blob([minimalPdf(`Réponse ${code} n°${i.toString()}`, 5_000)], { type: 'application/pdf' }), `reponse-${i.toString()}.pdf`);
  }
  return client.call('POST', `/api/v1/actes/${id}/exchanges/${exchange.toString()}/replies`, dijon.token, form);
}

function exchange(t: WithExchanges, number = 1): ExchangeBody | undefined {
  return t.acte?.exchanges?.find((e) => e.number === number);
}

function sentArchive(events: EventsBody, code: string): { fileName: string; sha256: string } {
  const sent = events.items.find((e) => e.type === 'TransmissionMessageSent' && e.data['code'] === code);
  if (sent === undefined) throw new Error(`no ${code} sent: ${events.items.map((e) => e.type).join(', ')}`);
  return sent.data as { fileName: string; sha256: string };
}

/**
 * Reads back from the simulator the archive Relais sent for `code`: its bytes are those recorded, its
 * envelope and message are named as @ctes names them, the message has the expected root element in the
 * @ctes namespace, in ISO-8859-1, and every XML validates against the official schema.
 */
async function checkSentArchive(events: EventsBody, code: string, root: string, idActe: string, documents: number): Promise<void> {
  const { fileName, sha256 } = sentArchive(events, code);
  expect(fileName).toMatch(NOM_ARCHIVE_REGEX);
  const bytes = Buffer.from(await (await fetch(`${platform.simUrl}/sim/actes/${fileName}`)).arrayBuffer());
  expect(createHash('sha256').update(bytes).digest('hex')).toBe(sha256);
  const files = await untarGz(bytes);
  const [envelope] = files;
  expect(envelope?.name).toMatch(NOM_ENVELOPPE_REGEX);
  const message = files.find((f) => f.name === `${idActe}-${code}_0.xml`);
  expect(message).toBeDefined();
  const xml = message?.content.toString('latin1') ?? '';
  expect(xml).toMatch(/^<\?xml version="1\.0" encoding="ISO-8859-1"\?>/);
  expect(xml).toMatch(new RegExp(`<actes:${root}[ >]`));
  expect(xml).toContain(`xmlns:actes="${ACTES_NS}"`);
  expect(files.filter((f) => f.name.startsWith(`${idActe}-${code}_`) && f.name.endsWith('.pdf'))).toHaveLength(documents);
  for (const file of files.filter((f) => f.name.endsWith('.xml'))) expect(await actesSchemaErrors(file.name, file.content)).toEqual([]);
}

function types(events: EventsBody): string[] {
  return events.items.map((e) => e.type);
}

describe('the préfecture writes, the collectivité answers (2-x … 5-x)', () => {
  it('2-1 courrier simple: recorded with its document, answered by a 2-2 once', async () => {
    const { id, idActe } = await acknowledgedActe();
    await letter(idActe, '2-1');
    const t = await until(id, (b) => exchange(b)?.code === '2-1', 'a 2-1');
    expect(t.status).toBe('acknowledged');
    const doc = exchange(t)?.documents[0];
    const file = await client.call('GET', `/api/v1/transmissions/${id}/files/${doc?.sha256 ?? ''}`, dijon.token);
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer()).subarray(0, 5).toString('latin1')).toBe('%PDF-');

    expect((await reply(id, 1, '2-2')).status).toBe(202);
    await until(id, (b) => exchange(b)?.replies.some((r) => r.code === '2-2' && r.sentAt !== undefined) === true, 'the 2-2 sent');
    const events = await client.events(dijon.token, id);
    expect(types(events).slice(-3)).toEqual(['TransmissionLetterReceived', 'TransmissionReplyRequested', 'TransmissionMessageSent']);
    await checkSentArchive(events, '2-2', 'ReponseCourrierSimple', idActe, 1);

    const again = await reply(id, 1, '2-2');
    expect(again.status).toBe(409);
    expect(((await again.json()) as ErrorBody).errors.map((e) => e.code)).toEqual(['TRANSMISSION.REPLY_NOT_ALLOWED']);
  }, 90_000);

  it.each([
    ['3-4', 'PieceComplementaire', 2],
    ['3-3', 'RefusPieceComplementaire', 1],
  ] as const)('3-1 demande de pièces: acknowledged at once by a 3-2, answered by a %s, acknowledged by a 3-5', async (code, root, documents) => {
    const { id, idActe } = await acknowledgedActe();
    await letter(idActe, '3-1', 'Merci de transmettre le plan de financement.');
    const t = await until(id, (b) => exchange(b)?.replies.some((r) => r.code === '3-2' && r.sentAt !== undefined) === true, 'the 3-2 sent');
    expect(exchange(t)?.text).toBe('Merci de transmettre le plan de financement.');
    await checkSentArchive(await client.events(dijon.token, id), '3-2', 'ARDemandePieceComplementaire', idActe, 0);

    expect((await reply(id, 1, code, documents)).status).toBe(202);
    await until(id, (b) => exchange(b)?.replyReceipt?.code === '3-5', 'the 3-5');
    const events = await client.events(dijon.token, id);
    expect(types(events).slice(-7)).toEqual([
      'TransmissionAcknowledged',
      'TransmissionLetterReceived',
      'TransmissionReplyRequested',
      'TransmissionMessageSent',
      'TransmissionReplyRequested',
      'TransmissionMessageSent',
      'TransmissionReplyAcknowledged',
    ]);
    await checkSentArchive(events, code, root, idActe, documents);
  }, 90_000);

  it.each([
    ['4-4', 'ReponseLettreObservations'],
    ['4-3', 'RejetLettreObservations'],
  ] as const)('4-1 lettre d’observations: acknowledged at once by a 4-2, answered by a %s, acknowledged by a 4-5', async (code, root) => {
    const { id, idActe } = await acknowledgedActe();
    await letter(idActe, '4-1', 'La délibération excède la compétence du conseil.');
    await until(id, (b) => exchange(b)?.replies.some((r) => r.code === '4-2' && r.sentAt !== undefined) === true, 'the 4-2 sent');
    await checkSentArchive(await client.events(dijon.token, id), '4-2', 'ARLettreObservations', idActe, 0);

    const wrong = await reply(id, 1, '3-4');
    expect(wrong.status).toBe(409);
    expect((await reply(id, 1, code)).status).toBe(202);
    await until(id, (b) => exchange(b)?.replyReceipt?.code === '4-5', 'the 4-5');
    await checkSentArchive(await client.events(dijon.token, id), code, root, idActe, 1);
    expect((await client.transmission(dijon.token, id)).status).toBe('acknowledged');
  }, 90_000);

  it('5-1 déféré: recorded, with nothing to answer', async () => {
    const { id, idActe } = await acknowledgedActe();
    await letter(idActe, '5-1', 'Incompétence de l’auteur de l’acte.');
    const t = await until(id, (b) => exchange(b)?.code === '5-1', 'the 5-1');
    expect(exchange(t)).toMatchObject({ text: 'Incompétence de l’auteur de l’acte.', replies: [] });
    const refused = await reply(id, 1, '2-2');
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as ErrorBody).errors.map((e) => e.code)).toEqual(['TRANSMISSION.REPLY_NOT_ALLOWED']);
  }, 90_000);

  it('6-1 annulation: its sending is a step of the history before the 6-2', async () => {
    const { id, idActe } = await acknowledgedActe();
    expect((await client.call('POST', `/api/v1/actes/${id}/annulation`, dijon.token)).status).toBe(202);
    await until(id, (b) => b.status === 'cancelled', 'cancelled');
    const events = await client.events(dijon.token, id);
    expect(types(events).slice(-3)).toEqual(['TransmissionCancellationRequested', 'TransmissionMessageSent', 'TransmissionCancelled']);
    await checkSentArchive(events, '6-1', 'Annulation', idActe, 0);
  }, 90_000);
});

describe('the préfecture refuses (1-3, envelope anomaly)', () => {
  it.each([
    ['anomalyRate', 1, 'acte_anomaly'],
    ['envelopeAnomalyNext', 1, 'envelope_anomaly'],
  ] as const)('%s: the acte ends nacked with the source of the refusal', async (setting, value, source) => {
    await client.simConfig({ [setting]: value });
    try {
      sequence += 1;
      const response = await client.submitActe(dijon.token, acteMetadata(`ANO2026_${sequence.toString()}`));
      const { id } = (await response.json()) as { id: string };
      const t = await until(id, (b) => b.status === 'nacked', 'nacked');
      expect(t.errors.length).toBeGreaterThan(0);
      const events = await client.events(dijon.token, id);
      expect(events.items.at(-1)).toMatchObject({ type: 'TransmissionNacked', data: { source } });
    } finally {
      await client.simConfig({ anomalyRate: 0, envelopeAnomalyNext: 0 });
    }
  }, 90_000);
});

interface ClassificationBody {
  readonly source: string;
  readonly dateClassification: string;
  readonly codes: readonly string[];
  readonly requests: readonly { readonly id: string; readonly sentAt?: string; readonly answer?: { readonly code: string } }[];
}

describe('the classification (7-1 → 7-2 / 7-3)', () => {
  it('7-3 when the default is current, then 7-2 once the préfecture has a newer one, which the next acte declares', async () => {
    const besancon = await client.collectivite('212500565', '025', '1');
    const before = await client.json<ClassificationBody>('GET', '/api/v1/classification', besancon.token);
    expect(before.source).toBe('default');

    const ask = async (): Promise<ClassificationBody> => {
      const { id } = await client.json<{ id: string }>('POST', '/api/v1/classification/requests', besancon.token, undefined, 202);
      return eventually(
        `classification request ${id} answered`,
        async () => {
          const body = await client.json<ClassificationBody>('GET', '/api/v1/classification', besancon.token);
          return body.requests.find((r) => r.id === id)?.answer !== undefined && body;
        },
        45_000,
      );
    };
    const unchanged = await ask();
    expect(unchanged.requests.at(-1)?.answer?.code).toBe('7-3');
    expect(unchanged.source).toBe('default');

    await client.simConfig({ classificationDate: '2026-11-01' });
    const received = await ask();
    expect(received.requests.at(-1)?.answer?.code).toBe('7-2');
    expect(received).toMatchObject({ source: 'prefecture', dateClassification: '2026-11-01' });
    expect(received.codes).toContain('7.1');

    const response = await client.submitActe(besancon.token, acteMetadata('CLASS2026_1'));
    const { id } = (await response.json()) as { id: string };
    await eventually('acknowledged', async () => (await client.transmission(besancon.token, id)).status === 'acknowledged', 45_000);
    const events = await client.events(besancon.token, id);
    const packaged = events.items.find((e) => e.type === 'TransmissionPackaged')?.data as { fileName: string };
    const files = await untarGz(Buffer.from(await (await fetch(`${platform.simUrl}/sim/actes/${packaged.fileName}`)).arrayBuffer()));
    const acte = files.find((f) => f.name.endsWith('-1-1_0.xml'))?.content.toString('latin1') ?? '';
    expect(acte).toContain('<actes:ClassificationDateVersion>2026-11-01</actes:ClassificationDateVersion>');
  }, 120_000);
});
