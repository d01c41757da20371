import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { pesAllerBuffer, pesAllerShapes, PES_SAMPLE, type PesAllerSpec } from '@relais/pes/testing';
import { Client, type ErrorBody, type TransmissionBody } from './client.js';
import { eventually, startPlatform, type Platform } from './platform.js';

/*
 * Issue 5 over the real processes: PES_Aller files posted by a collectivité's financial software go
 * through validation, routing by IdPost, deposit at the simulated DGFiP under their PESALR2 name with
 * the P_MSG routing, and come back acknowledged, partially accepted or refused per bordereau and PJ;
 * PES_Retour files reach the collectivité through the API and its webhook.
 */
const SAMPLE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'data', 'pes', 'PESALR2_signed_with_pj.xml');
const SIREN = PES_SAMPLE.siret.slice(0, 9);

let platform: Platform;
let client: Client;
let token: string;
let hooks: Server;
const heard: { type: string; data: Record<string, unknown> }[] = [];
let nomFics = 0;

interface PesBody extends TransmissionBody {
  readonly pes?: {
    readonly nomFic: string;
    readonly codCol: string;
    readonly idPost: string;
    readonly outcomes?: readonly { readonly element: Record<string, unknown>; readonly accepted: boolean; readonly errors: ErrorBody['errors'] }[];
  };
}

async function register(siren: string, budget: { idPost: string; codCol: string; codBud: string; siret: string }): Promise<string> {
  const admin = platform.adminToken;
  await client.json('POST', '/api/v1/admin/collectivites', admin, { siren, nom: `Commune ${siren}`, departement: '034', arrondissement: '1', nature: '31', helios: [budget] }, 201);
  return (await client.json<{ token: string }>('POST', '/api/v1/admin/tokens', admin, { role: 'collectivite', siren }, 201)).token;
}

beforeAll(async () => {
  platform = await startPlatform({ env: { STATE_SIM_ACK_DELAY_MS: '100' } });
  await platform.waitUntilReady(90_000);
  client = new Client(platform);
  token = await register(SIREN, { idPost: PES_SAMPLE.idPost, codCol: PES_SAMPLE.codCol, codBud: PES_SAMPLE.codBud, siret: PES_SAMPLE.siret });
  hooks = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { event: { type: string; data: Record<string, unknown> } };
      heard.push(body.event);
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', resolve));
  const address = hooks.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await client.json('POST', '/api/v1/webhooks', token, { url: `http://127.0.0.1:${port.toString()}/hook`, secret: 'e2e-secret-0123456789' }, 201);
}, 120_000);

afterAll(async () => {
  hooks.close();
  await platform.stop();
}, 30_000);

/** A valid file of the collectivité, under a NomFic of its own. */
function spec(shape: PesAllerSpec = pesAllerShapes.mixed()): PesAllerSpec {
  nomFics += 1;
  return { ...shape, nomFic: `PES_E2E_${nomFics.toString().padStart(4, '0')}.xml` };
}

async function submit(bytes: Buffer, tokenOf = token): Promise<string> {
  const response = await fetch(`${platform.gatewayUrl}/api/v1/pes`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokenOf}`, 'content-type': 'application/xml' },
    body: bytes,
  });
  const text = await response.text();
  if (response.status !== 202) throw new Error(`POST /api/v1/pes answered ${response.status.toString()}: ${text}`);
  return (JSON.parse(text) as { id: string }).id;
}

function ends(id: string, statuses: readonly string[], tokenOf = token): Promise<PesBody> {
  return eventually(
    `PES ${id} to end in ${statuses.join(' or ')}`,
    async () => {
      const t: PesBody | undefined = await client.transmission(tokenOf, id).catch(() => undefined);
      return t !== undefined && statuses.includes(t.status) && t;
    },
    60_000,
  );
}

describe('PES files to Hélios and the PES_Acquit back', () => {
  it('acknowledged: deposited once under its PESALR2 name, every bordereau and PJ accepted', async () => {
    const bytes = await pesAllerBuffer(spec());
    const id = await submit(bytes);
    const t = await ends(id, ['acknowledged', 'partially_accepted', 'nacked', 'rejected', 'failed']);
    expect(t.status).toBe('acknowledged');
    expect(t.pes).toMatchObject({ codCol: PES_SAMPLE.codCol, idPost: PES_SAMPLE.idPost });
    // Two dépense bordereaux, one recette, two PJ.
    expect(t.pes?.outcomes).toHaveLength(5);
    expect(t.pes?.outcomes?.every((o) => o.accepted)).toBe(true);

    const { items } = await client.events(token, id);
    const packaged = items.find((e) => e.type === 'TransmissionPackaged')?.data as { fileName: string; sha256: string };
    expect(packaged.fileName).toMatch(new RegExp(`^PESALR2_${PES_SAMPLE.siret}_[0-9]{6}_[0-9]{3,}\\.xml$`));
    const deposited = Buffer.from(await (await fetch(`${platform.simUrl}/sim/pes/${packaged.fileName}`)).arrayBuffer());
    expect(createHash('sha256').update(deposited).digest('hex')).toBe(createHash('sha256').update(bytes).digest('hex'));
    const stats = (await client.simStats()) as unknown as { byKind: { pes: Record<string, number> } };
    expect(stats.byKind.pes).toMatchObject({ duplicates: 0, conflicts: 0 });
  }, 90_000);

  it.each([
    ['pesPartialRate', 'partially_accepted'],
    ['pesNackRate', 'nacked'],
    ['pesNonAcquitRate', 'nacked'],
  ] as const)('%s: the file ends %s, the refusals per element in pes.outcomes and errors', async (setting, status) => {
    await client.simConfig({ [setting]: 1 });
    try {
      const id = await submit(await pesAllerBuffer(spec()));
      const t = await ends(id, ['acknowledged', 'partially_accepted', 'nacked', 'rejected', 'failed']);
      expect(t.status).toBe(status);
      if (setting === 'pesNonAcquitRate') {
        expect(t.errors.map((e) => e.code)).toEqual(['PES_NACK.ERREUR_SIRET']);
      } else {
        const refused = t.pes?.outcomes?.filter((o) => !o.accepted) ?? [];
        expect(refused.length).toBeGreaterThan(0);
        expect(refused.every((o) => o.errors.length > 0 && /^ERREUR_/.test(o.errors[0]?.code ?? ''))).toBe(true);
        if (status === 'partially_accepted') expect(t.pes?.outcomes?.some((o) => o.accepted)).toBe(true);
      }
    } finally {
      await client.simConfig({ [setting]: 0 });
    }
  }, 90_000);

  it('refuses the same NomFic twice, and a file of an IdPost the collectivité does not have, with where it is', async () => {
    const same = spec();
    const first = await submit(await pesAllerBuffer(same));
    expect((await ends(first, ['acknowledged'])).status).toBe('acknowledged');
    const second = await submit(await pesAllerBuffer(same));
    const refused = await ends(second, ['rejected', 'acknowledged']);
    expect(refused.status).toBe('rejected');
    expect(refused.errors.map((e) => e.code)).toEqual(['PES.NOM_FIC_DUPLICATE']);

    const elsewhere = spec();
    const wrongPost = await submit(await pesAllerBuffer({ ...elsewhere, enTete: { ...elsewhere.enTete, idPost: '099000' } }));
    const t = await ends(wrongPost, ['rejected', 'acknowledged']);
    expect(t.status).toBe('rejected');
    const error = t.errors.find((e) => e.code === 'PES.ID_POST_UNKNOWN');
    expect(error?.field).toBeDefined();
  }, 90_000);

  it('refuses at once a file with a DOCTYPE: nothing is recorded', async () => {
    const bytes = await pesAllerBuffer({ ...spec(), prolog: '<!DOCTYPE PES_Aller [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n' });
    const response = await fetch(`${platform.gatewayUrl}/api/v1/pes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/xml' },
      body: bytes,
    });
    expect([400, 422]).toContain(response.status);
    expect(((await response.json()) as ErrorBody).errors.map((e) => e.code)).toEqual(['PES.DOCTYPE_FORBIDDEN']);
  }, 30_000);
});

describe("the real sample of ../shared (a signed PES_Aller with a PJ, from an operator's test suite)", () => {
  it('is read whole; its PJ breaks two rules (plain text, no IdUnique), and once mended it goes end to end', async () => {
    const sampleToken = await register('123456789', { idPost: '034000', codCol: '123', codBud: '12', siret: '12345678912345' });
    const sample = readFileSync(SAMPLE);
    const id = await submit(sample, sampleToken);
    const t = await ends(id, ['rejected', 'acknowledged', 'partially_accepted', 'nacked'], sampleToken);
    expect(t.status).toBe('rejected');
    expect(t.pes).toMatchObject({ nomFic: 'HELIOS_SIMU_ALR2_1514384443_86804893.xml', codCol: '123', idPost: '034000' });
    expect(new Set(t.errors.map((e) => e.code))).toEqual(new Set(['PES.PJ_CONTENT_INVALID', 'PES.PJ_ID_UNIQUE_INVALID']));

    // The same file with its PJ as PES wants it (gzip then base64, an IdUnique), its signed bordereau untouched.
    const text = sample.toString('latin1');
    const start = text.indexOf('<PJ><Contenu><Fichier>');
    const end = text.indexOf('</Fichier>', start);
    const original = text.slice(start + '<PJ><Contenu><Fichier>'.length, end);
    const mended = `${text.slice(0, start)}<PJ><Contenu><Fichier MIMEType="text/plain">${gzipSync(Buffer.from(original, 'latin1')).toString('base64')}</Fichier></Contenu><IdUnique V="PJ-SAMPLE-1"/><NomPJ V="test.txt"/>${text.slice(end + '</Fichier></Contenu>'.length)}`
      .replace('HELIOS_SIMU_ALR2_1514384443_86804893.xml', 'HELIOS_SIMU_ALR2_MENDED.xml')
      // The sample's second, empty PJ has no content at all: dropped.
      .replace(/<PJ>\s*<Contenu>\s*<Fichier MIMEType="application\/pdf">\s*<\/Fichier>\s*<\/Contenu>\s*<\/PJ>/, '');
    const again = await submit(Buffer.from(mended, 'latin1'), sampleToken);
    const done = await ends(again, ['rejected', 'acknowledged', 'partially_accepted', 'nacked'], sampleToken);
    expect(done.errors).toEqual([]);
    expect(done.status).toBe('acknowledged');
    expect(done.pes?.outcomes).toHaveLength(2);
    expect(done.pes?.outcomes?.every((o) => o.accepted)).toBe(true);
  }, 120_000);
});

describe('PES_Retour', () => {
  it('reaches the collectivité whose SIRET it names, through the API and its webhook', async () => {
    const response = await fetch(`${platform.simUrl}/sim/pes/retours`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ siret: PES_SAMPLE.siret, idPost: PES_SAMPLE.idPost, codCol: PES_SAMPLE.codCol }),
    });
    expect(response.status).toBe(201);
    const { fileName } = (await response.json()) as { fileName: string };
    const listed = await eventually(
      'the PES_Retour listed',
      async () => {
        const { items } = await client.json<{ items: { id: string; fileName: string; siret: string }[] }>('GET', '/api/v1/pes/retours', token);
        return items.find((item) => item.fileName === fileName);
      },
      45_000,
    );
    expect(listed.siret).toBe(PES_SAMPLE.siret);
    const file = await client.call('GET', `/api/v1/pes/retours/${listed.id}/file`, token);
    expect(file.status).toBe(200);
    expect((await file.text()).slice(0, 200)).toContain('PES_Retour');
    await eventually('the webhook to hear of it', () => Promise.resolve(heard.some((e) => e.type === 'PesRetourReceived')), 45_000);
  }, 90_000);
});

