import { randomBytes } from 'node:crypto';
import { PES_SAMPLE } from '@relais/pes/testing';
import { Client } from '../client.js';
import type { Platform } from '../platform.js';

/** An Hélios budget of a collectivité (what `POST /api/v1/admin/collectivites` takes in `helios`). */
export interface Budget {
  readonly idPost: string;
  readonly codCol: string;
  readonly codBud: string;
  readonly siret: string;
}

/** A collectivité of the load: its token, what it sends, and its webhook. */
export interface Tenant {
  readonly siren: string;
  readonly departement: string;
  readonly token: string;
  /** Present for a collectivité that sends PES files. */
  readonly budget?: Budget;
  readonly webhookId: string;
  /** The webhook's secret: the receiver checks each delivery's signature with it. */
  readonly secret: string;
}

const DEPARTEMENTS = ['021', '025', '039', '058', '070', '071', '089', '090'];

/**
 * Registers `acte` collectivités sending actes and `pes` collectivités sending PES files (one budget
 * each, on the sample's poste), each with a token and a webhook to `webhookUrl` signed with a secret
 * of its own.
 */
export async function registerTenants(platform: Platform, counts: { acte: number; pes: number }, webhookUrl: string): Promise<Tenant[]> {
  const client = new Client(platform);
  const admin = platform.adminToken;
  const tenants: Tenant[] = [];
  for (let i = 0; i < counts.acte + counts.pes; i++) {
    const pes = i >= counts.acte;
    const departement = pes ? '034' : (DEPARTEMENTS[i % DEPARTEMENTS.length] ?? '021');
    const siren = `21${departement.slice(1)}${(1000 + i).toString()}${pes ? '9' : '1'}`.padEnd(9, '0').slice(0, 9);
    const budget: Budget | undefined = pes
      ? { idPost: PES_SAMPLE.idPost, codCol: (100 + i).toString(), codBud: '01', siret: `${siren}00017` }
      : undefined;
    await client.json(
      'POST',
      '/api/v1/admin/collectivites',
      admin,
      { siren, nom: `Commune ${siren}`, departement, arrondissement: '1', nature: '31', ...(budget === undefined ? {} : { helios: [budget] }) },
      201,
    );
    const { token } = await client.json<{ token: string }>('POST', '/api/v1/admin/tokens', admin, { role: 'collectivite', siren }, 201);
    const secret = `faults-${randomBytes(18).toString('base64url')}`;
    const { id: webhookId } = await client.json<{ id: string }>('POST', '/api/v1/webhooks', token, { url: webhookUrl, secret }, 201);
    tenants.push({ siren, departement, token, webhookId, secret, ...(budget === undefined ? {} : { budget }) });
  }
  return tenants;
}
