import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { actesSchemaErrors, checkPdf } from '@relais/testing';

import { acteInput, buildActeArchive, replyArchive } from '../../test/archives.js';
import { type MailboxBody, SimServer } from '../../test/sim-server.js';

let sim: SimServer;

beforeAll(async () => {
  sim = await SimServer.start();
});

afterAll(async () => {
  await sim.close();
});

beforeEach(async () => {
  await sim.reset();
});

type Item = MailboxBody['items'][number];
const idActe = '034-491011698-20171207-CL20171227_06-DE';
const today = (): string => new Date().toISOString().slice(0, 10);
const bytes = (file: { contentBase64: string }): Buffer => Buffer.from(file.contentBase64, 'base64');
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Delivers the acte of acteInput and waits for its ARActe: the préfecture then knows its IDActe. */
async function acknowledgeActe(): Promise<void> {
  const archive = await buildActeArchive(acteInput());
  expect((await sim.deliver(archive.name, archive.bytes)).status).toBe(200);
  expect((await sim.waitForMail(1)).items[0]?.kind).toBe('ARActe');
}

async function send(code: string, text?: string): Promise<{ id: number; kind: string; messageName: string; dateCourrierPref: string }> {
  const response = await sim.sendMessage(idActe, text === undefined ? { code } : { code, text });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: number; kind: string; messageName: string; dateCourrierPref: string };
}

async function item(kind: string, count: number): Promise<Item> {
  const found = (await sim.waitForMail(count)).items.filter((candidate) => candidate.kind === kind);
  expect(found).toHaveLength(1);
  return found[0]!;
}

async function expectSchemaValid(mail: Item): Promise<void> {
  for (const file of mail.files.filter((candidate) => candidate.name.endsWith('.xml'))) {
    expect(await actesSchemaErrors(file.name, bytes(file))).toEqual([]);
  }
}

describe('letters of the simulated préfecture, on call', () => {
  it('puts a 2-1, 3-1, 4-1 or 5-1 about an acte it acknowledged in the mailbox at once, with its PDF', async () => {
    const unknown = await sim.sendMessage(idActe, { code: '2-1' });
    expect(unknown.status).toBe(422);
    expect(await unknown.json()).toMatchObject({ errors: [{ code: 'SIM.UNKNOWN_ID_ACTE' }] });
    await acknowledgeActe();

    const kinds = { '2-1': 'CourrierSimple', '3-1': 'DemandePieceComplementaire', '4-1': 'LettreObservations', '5-1': 'DefereTA' };
    for (const [code, kind] of Object.entries(kinds)) {
      const sent = await send(code, `Texte du ${code} : « pièces » & co`);
      expect(sent).toEqual({ id: expect.any(Number), kind, messageName: `${idActe}-${code}_0.xml`, dateCourrierPref: today() });
      const mail = (await sim.mailbox()).items.find((candidate) => candidate.id === sent.id)!;
      expect(mail.kind).toBe(kind);
      expect(mail).not.toHaveProperty('receivedFor');
      expect(mail.archiveName).toMatch(/^EACT--PREF034-491011698-[0-9]{8}-[0-9]+\.tar\.gz$/);
      expect(mail.files.map((file) => file.name)).toEqual([
        expect.stringMatching(/^EACT--PREF034-491011698-[0-9]{8}-[0-9]+\.xml$/),
        `${idActe}-${code}_0.xml`,
        `${idActe}-${code}_1.pdf`,
      ]);
      await expectSchemaValid(mail);
      expect(checkPdf(bytes(mail.files[2]!)).ok).toBe(true);
    }
  });

  it('refuses a code it does not send and a text it cannot write', async () => {
    await acknowledgeActe();
    const badCode = await sim.sendMessage(idActe, { code: '1-2' });
    expect(badCode.status).toBe(400);
    expect(await badCode.json()).toMatchObject({ errors: [{ code: 'SIM.INVALID_MESSAGE_CODE' }] });
    const badText = await sim.sendMessage(idActe, { code: '4-1', text: 42 });
    expect(badText.status).toBe(400);
    expect(await badText.json()).toMatchObject({ errors: [{ code: 'SIM.INVALID_MESSAGE' }] });
    expect((await sim.mailbox()).items).toHaveLength(1);
  });
});

describe("the collectivité's answers to the préfecture's letters", () => {
  it('takes a 3-2 then a 3-4 answering its 3-1, answers the 3-4 with a 3-5 naming the letter, and counts them apart', async () => {
    await acknowledgeActe();
    const letter = await send('3-1', 'Le rapport de présentation manque.');

    const ar = await replyArchive({ code: '3-2', idActe, dateCourrierPref: letter.dateCourrierPref, sequence: 10 });
    expect(await (await sim.deliver(ar.name, ar.bytes)).json()).toEqual({ outcome: 'accepted' });
    const pieces = await replyArchive({ code: '3-4', idActe, dateCourrierPref: letter.dateCourrierPref, sequence: 11 });
    expect(await (await sim.deliver(pieces.name, pieces.bytes)).json()).toEqual({ outcome: 'accepted' });
    expect(await (await sim.deliver(pieces.name, pieces.bytes)).json()).toEqual({ outcome: 'retry' });
    const again = await replyArchive({ code: '3-4', idActe, dateCourrierPref: letter.dateCourrierPref, sequence: 12, variant: 'bis' });
    expect(await (await sim.deliver(again.name, again.bytes)).json()).toEqual({ outcome: 'duplicate' });
    const clash = await replyArchive({ code: '3-4', idActe, dateCourrierPref: letter.dateCourrierPref, sequence: 11, variant: 'ter' });
    expect(await (await sim.deliver(clash.name, clash.bytes)).json()).toEqual({ outcome: 'conflict' });

    const accuse = await item('ARPieceComplementaire', 3);
    expect(accuse.receivedFor).toBe(pieces.name);
    expect(accuse.files.map((file) => file.name)).toEqual([expect.stringMatching(/^EACT--PREF034-491011698-[0-9]{8}-[0-9]+\.xml$/), `${idActe}-3-5_0.xml`]);
    await expectSchemaValid(accuse);
    const xml = bytes(accuse.files[1]!).toString('latin1');
    expect(xml).toContain(`actes:DateReception="${today()}"`);
    expect(xml).toContain(`<actes:InfosCourrierPref actes:IDActe="${idActe}" actes:DateCourrierPref="${letter.dateCourrierPref}"/>`);

    await pause(100);
    expect((await sim.mailbox()).items.map((mail) => mail.kind)).toEqual(['ARActe', 'DemandePieceComplementaire', 'ARPieceComplementaire']);
    expect(await sim.stats()).toMatchObject({
      received: 1,
      retries: 0,
      duplicates: 0,
      conflicts: 0,
      byKind: { acte: { received: 1 }, reply: { received: 2, retries: 1, duplicates: 1, conflicts: 1 } },
    });
    const kept = await fetch(`${sim.base}/sim/actes/${pieces.name}`);
    expect(Buffer.from(await kept.arrayBuffer()).equals(pieces.bytes)).toBe(true);
  });

  it('answers a 4-3 or 4-4 with a 4-5, and a 2-2 or 4-2 with nothing', async () => {
    await acknowledgeActe();
    const observations = await send('4-1');
    const courrier = await send('2-1');
    const date = observations.dateCourrierPref;
    for (const [sequence, code] of [
      [20, '4-2'],
      [21, '4-4'],
      [22, '4-3'],
    ] as const) {
      const archive = await replyArchive({ code, idActe, dateCourrierPref: date, sequence });
      expect((await sim.deliver(archive.name, archive.bytes)).status).toBe(200);
    }
    const simple = await replyArchive({ code: '2-2', idActe, dateCourrierPref: courrier.dateCourrierPref, sequence: 23 });
    expect((await sim.deliver(simple.name, simple.bytes)).status).toBe(200);

    const { items } = await sim.waitForMail(5);
    await pause(100);
    const accuses = (await sim.mailbox()).items.filter((mail) => mail.kind === 'ARReponseRejetLettreObservations');
    expect(items.length).toBe(5);
    expect(accuses.map((mail) => mail.receivedFor).sort()).toEqual(['RLS-EACT--491011698--20171229-21.tar.gz', 'RLS-EACT--491011698--20171229-22.tar.gz']);
    for (const accuse of accuses) await expectSchemaValid(accuse);
    expect(await sim.stats()).toMatchObject({ byKind: { reply: { received: 4, retries: 0, duplicates: 0, conflicts: 0 } } });
  });

  it('refuses with 422 SIM.UNKNOWN_COURRIER an answer to a letter it never sent, counting nothing', async () => {
    await acknowledgeActe();
    const letter = await send('3-1');
    const refusals = [
      // No 4-1 was sent about this acte.
      await replyArchive({ code: '4-4', idActe, dateCourrierPref: letter.dateCourrierPref, sequence: 30 }),
      // The 3-1 was sent today, not on that day.
      await replyArchive({ code: '3-4', idActe, dateCourrierPref: '2001-01-01', sequence: 31 }),
    ];
    for (const archive of refusals) {
      const response = await sim.deliver(archive.name, archive.bytes);
      expect(response.status).toBe(422);
      expect(await response.json()).toMatchObject({ errors: [{ code: 'SIM.UNKNOWN_COURRIER' }] });
    }
    const malformed = await replyArchive({ code: '3-4', idActe, dateCourrierPref: letter.dateCourrierPref, sequence: 32, root: 'ReponseLettreObservations' });
    const response = await sim.deliver(malformed.name, malformed.bytes);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errors: [{ code: 'SIM.INVALID_REPLY' }] });
    expect(await sim.stats()).toMatchObject({ byKind: { reply: { received: 0, retries: 0, duplicates: 0, conflicts: 0 } } });
  });
});
