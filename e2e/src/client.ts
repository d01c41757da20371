import { minimalPdf } from '@relais/testing';
import type { Platform } from './platform.js';

/** A collectivité registered for a test, with its token. */
export interface TestCollectivite {
  readonly siren: string;
  readonly token: string;
}

/** The `{errors: [...]}` body of every 4xx answer. */
export interface ErrorBody {
  readonly errors: readonly { readonly code: string; readonly message: string; readonly field?: string }[];
}

/** GET /api/v1/transmissions/{id}. */
export interface TransmissionBody {
  readonly id: string;
  readonly status: string;
  readonly siren: string;
  readonly errors: ErrorBody['errors'];
  readonly acte?: { readonly numeroInterne: string; readonly idActe?: string };
  readonly acknowledgment?: { readonly at: string };
}

/** GET /api/v1/transmissions/{id}/events. */
export interface EventsBody {
  readonly items: readonly { readonly position: string; readonly type: string; readonly recordedAt: string; readonly data: Record<string, unknown> }[];
}

/** `/sim/stats`. */
export interface SimStats {
  readonly received: number;
  readonly retries: number;
  readonly duplicates: number;
  readonly conflicts: number;
}

/** Calls the platform's API as its users do. */
export class Client {
  constructor(private readonly platform: Platform) {}

  async call(method: string, path: string, token: string | undefined, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    const all: Record<string, string> = { ...headers, ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) };
    const init: RequestInit = { method, headers: all };
    if (body instanceof FormData) init.body = body;
    else if (body !== undefined) {
      init.body = JSON.stringify(body);
      all['content-type'] = 'application/json';
    }
    return fetch(`${this.platform.gatewayUrl}${path}`, init);
  }

  async json<T>(method: string, path: string, token: string | undefined, body?: unknown, expected = 200): Promise<T> {
    const response = await this.call(method, path, token, body);
    const text = await response.text();
    if (response.status !== expected) throw new Error(`${method} ${path} answered ${response.status.toString()}, not ${expected.toString()}: ${text}`);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  /** Registers a collectivité and gives it a token. */
  async collectivite(siren: string, departement = '021', arrondissement = '1'): Promise<TestCollectivite> {
    const admin = this.platform.adminToken;
    await this.json('POST', '/api/v1/admin/collectivites', admin, { siren, nom: `Commune ${siren}`, departement, arrondissement, nature: '31' }, 201);
    const { token } = await this.json<{ token: string }>('POST', '/api/v1/admin/tokens', admin, { role: 'collectivite', siren }, 201);
    return { siren, token };
  }

  /** A token of another role. */
  async token(role: 'supervisor' | 'auditor' | 'admin'): Promise<string> {
    return (await this.json<{ token: string }>('POST', '/api/v1/admin/tokens', this.platform.adminToken, { role }, 201)).token;
  }

  /** POST /api/v1/actes with a real PDF. */
  async submitActe(token: string, metadata: Record<string, unknown>, options: { idempotencyKey?: string; document?: Buffer } = {}): Promise<Response> {
    const form = new FormData();
    form.append('metadata', JSON.stringify(metadata));
    const document = options.document ?? minimalPdf(`Acte ${String(metadata['numeroInterne'])}`, 20_000);
    form.append('document', new Blob([document], { type: 'application/pdf' }), 'acte.pdf');
    const headers: Record<string, string> = options.idempotencyKey === undefined ? {} : { 'idempotency-key': options.idempotencyKey };
    return this.call('POST', '/api/v1/actes', token, form, headers);
  }

  transmission(token: string, id: string): Promise<TransmissionBody> {
    return this.json<TransmissionBody>('GET', `/api/v1/transmissions/${id}`, token);
  }

  events(token: string, id: string): Promise<EventsBody> {
    return this.json<EventsBody>('GET', `/api/v1/transmissions/${id}/events`, token);
  }

  async simStats(): Promise<SimStats> {
    return (await fetch(`${this.platform.simUrl}/sim/stats`)).json() as Promise<SimStats>;
  }

  async simConfig(settings: Record<string, unknown>): Promise<void> {
    const response = await fetch(`${this.platform.simUrl}/sim/config`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(settings),
    });
    if (response.status !== 200) throw new Error(`/sim/config answered ${response.status.toString()}: ${await response.text()}`);
  }
}

/** A valid acte's metadata, numbered `numero`. */
export function acteMetadata(numeroInterne: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    numeroInterne,
    dateDecision: new Date().toISOString().slice(0, 10),
    nature: 'DE',
    classification: '7.1',
    objet: `Délibération ${numeroInterne} : budget primitif`,
    ...over,
  };
}
