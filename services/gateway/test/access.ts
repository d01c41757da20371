import { createHash, randomBytes } from 'node:crypto';
import { get } from 'node:http';
import { Readable } from 'node:stream';
import { buildActeArchive } from '@relais/actes';
import { PostgresBlobStore } from '@relais/blob-store';
import { PostgresEventStore } from '@relais/event-store';
import { pesAllerBuffer, pesAllerShapes } from '@relais/pes/testing';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { Subscription } from '@nats-io/transport-node';
import {
  consumerConfig,
  DEFAULT_RETRY_POLICY,
  DeadLetterReasons,
  DLQ_STREAM_LIMITS,
  ensureConsumer,
  ensureMessagingStreams,
  EVENTS_STREAM_LIMITS,
  JetStreamPublisher,
  MessagingNames,
  publishDeadLetter,
  StreamNames,
} from '@relais/messaging';
import { PLATFORM_SERVICES, recordPesRetour, serveHealth, TransmissionCommands } from '@relais/service-kit';
import { makePdf, minimalPdf } from '@relais/testing';
import { SESSION_COOKIE } from '../src/web/cookies.js';
import type { Credential, Identity } from '../src/security/access-table.js';
import { acteForm, acteMetadata, type TestGateway } from './gateway.js';

/** A request of the matrix, before the identity's credential is put on it. */
export interface MatrixRequest {
  readonly method: string;
  readonly path: string;
  readonly body?: RequestInit['body'];
  readonly headers?: Readonly<Record<string, string>>;
  /** The session cookie to send instead of the identity's own (`null`: none). */
  readonly cookie?: string | null;
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
export const WEBHOOK_SECRET = 'a-webhook-secret-of-32-characters';

/**
 * The callers and fixtures of the access matrix on one gateway: two registered collectivités with a
 * token each, a supervisor, an auditor, the administrator, a token never issued, a revoked one, a web
 * session of each, and collectivité A's transmissions, files, letter and PES retour, so that an allowed
 * call meets real data and succeeds rather than failing for want of it.
 */
export class AccessFixtures {
  readonly tokens = new Map<Identity, string>();
  readonly sessions = new Map<Identity, string>();
  sirenA = '';
  sirenB = '';
  /** A's acknowledged acte, its document and the bytes' hash. */
  acte = '';
  documentSha256 = '';
  retour = '';
  webhookA = '';
  /** A dead letter the refused identities aim at (and must leave in place). */
  deadLetterSeq = 0;
  private sequence = 0;
  private readonly commands: TransmissionCommands;
  private readonly health: Subscription[] = [];

  constructor(readonly gw: TestGateway) {
    this.commands = new TransmissionCommands(new PostgresEventStore(gw.db.pool));
  }

  async setUp(): Promise<void> {
    const { gw } = this;
    // Every other service answers its health check, as on a running platform: /health can say 200.
    const names = new MessagingNames(gw.ns.namespace);
    for (const service of PLATFORM_SERVICES.filter((name) => name !== 'gateway')) {
      this.health.push(serveHealth(gw.ns.nc, names, service, () => Promise.resolve(undefined)));
    }
    await gw.ns.nc.flush();
    this.sirenA = await gw.registerCollectivite();
    this.sirenB = await gw.registerCollectivite();
    this.tokens.set('collectiviteA', (await gw.issueToken('collectivite', this.sirenA)).token);
    this.tokens.set('collectiviteB', (await gw.issueToken('collectivite', this.sirenB)).token);
    this.tokens.set('supervisor', (await gw.issueToken('supervisor')).token);
    this.tokens.set('auditor', (await gw.issueToken('auditor')).token);
    this.tokens.set('admin', gw.adminToken);
    this.tokens.set('unknown', `rls_${randomBytes(32).toString('base64url')}`);
    for (const identity of ['collectiviteA', 'collectiviteB', 'supervisor', 'auditor', 'admin'] as const) {
      this.sessions.set(identity, await this.signIn(this.token(identity)));
    }
    this.sessions.set('unknown', randomBytes(32).toString('base64url'));
    // The revoked identity: a supervisor's token (a role that could read much), revoked after signing in.
    const revoked = await gw.issueToken('supervisor');
    this.sessions.set('revoked', await this.signIn(revoked.token));
    await this.revoke(revoked.id);
    this.tokens.set('revoked', revoked.token);

    const document = makePdf({ targetBytes: 0, title: 'Délibération', lines: ['Délibération du conseil municipal'] });
    this.documentSha256 = sha256(document);
    this.acte = await this.acknowledgedActe(document);
    this.retour = await this.pesRetour();
    this.webhookA = await this.webhook();
    const jsm = await jetstreamManager(gw.ns.nc);
    // The gateway declares no stream (the relay and the consumers do): small ones here.
    await ensureMessagingStreams(jsm, names, { events: { ...EVENTS_STREAM_LIMITS, maxBytes: 8 << 20 }, dlq: { ...DLQ_STREAM_LIMITS, maxBytes: 8 << 20 } });
    await ensureConsumer(
      jsm,
      names.stream(StreamNames.EVENTS),
      consumerConfig({ durable: names.durable('validator'), filterSubject: names.allEvents(), retry: DEFAULT_RETRY_POLICY, ackWaitMs: 30_000, maxAckPending: 1000 }),
    );
    this.deadLetterSeq = await this.deadLetter();
  }

  /** A message the validator gave up on, in the dead-letter stream; returns its sequence there. */
  async deadLetter(): Promise<number> {
    const names = new MessagingNames(this.gw.ns.namespace);
    const publisher = new JetStreamPublisher(this.gw.ns.nc);
    const n = this.nextNumber();
    await publisher.publish(names.event('transmission', 'TransmissionReceived'), JSON.stringify({ n }), { msgId: `matrix-${n}` });
    const consumer = await jetstream(this.gw.ns.nc).consumers.get(names.stream(StreamNames.EVENTS), names.durable('validator'));
    const msg = await consumer.next({ expires: 5000 });
    if (msg === null) throw new Error('no message to dead-letter');
    const ack = await publishDeadLetter(publisher, names, 'validator', msg, DeadLetterReasons.PERMANENT_ERROR, new Error('refused for the matrix'));
    msg.term();
    await this.gw.ns.nc.flush();
    return ack.seq;
  }

  /** Stops answering for the other services. */
  tearDown(): void {
    for (const subscription of this.health.splice(0)) subscription.unsubscribe();
  }

  token(identity: Identity): string {
    const token = this.tokens.get(identity);
    if (token === undefined) throw new Error(`no token for ${identity}`);
    return token;
  }

  /** Opens a session through the sign-in form, from our own page; returns its cookie's value. */
  async signIn(token: string): Promise<string> {
    const response = await this.gw.call('/signin', {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: this.gw.base },
      body: new URLSearchParams({ token }).toString(),
    });
    const cookie = new RegExp(`${SESSION_COOKIE}=([^;]+)`).exec(response.headers.get('set-cookie') ?? '')?.[1];
    if (response.status !== 303 || cookie === undefined) throw new Error(`signing in: ${response.status}`);
    return cookie;
  }

  /** A new user of collectivité A, made by the administrator; its id. */
  async user(): Promise<string> {
    const response = await this.gw.call('/api/v1/admin/users', {
      method: 'POST',
      token: this.gw.adminToken,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `agent-${String(this.nextNumber())}-${String(process.pid)}@mairie.example.org`, name: 'Agent', role: 'collectivite', siren: this.sirenA }),
    });
    if (response.status !== 201) throw new Error(`creating a user: ${response.status}`);
    return ((await response.json()) as { id: string }).id;
  }

  async revoke(id: string): Promise<void> {
    const response = await this.gw.call(`/api/v1/admin/tokens/${id}`, { method: 'DELETE', token: this.gw.adminToken });
    if (response.status !== 204) throw new Error(`revoking: ${response.status}`);
  }

  /** A's acte as submitted (`received`). */
  async submittedActe(document: Uint8Array = minimalPdf('Acte')): Promise<string> {
    return (await this.numberedActe(document)).id;
  }

  /** A's acte as submitted, and the number in its numéro interne. */
  private async numberedActe(document: Uint8Array = minimalPdf('Acte')): Promise<{ id: string; n: number }> {
    const n = this.nextNumber();
    const form = acteForm(acteMetadata({ numeroInterne: `MATRIX_${n}`, dateDecision: '2026-01-04' }), document, []);
    const response = await this.gw.call('/api/v1/actes', { method: 'POST', token: this.token('collectiviteA'), body: form });
    if (response.status !== 202) throw new Error(`submitting: ${response.status} ${await response.text()}`);
    return { id: ((await response.json()) as { id: string }).id, n };
  }

  /** A's acte, delivered and acknowledged with its IDActe, as the services record it. */
  async acknowledgedActe(document?: Uint8Array): Promise<string> {
    const { id, n } = await this.numberedActe(document);
    const at = new Date().toISOString();
    const file = { fileName: `RLS-EACT--${this.sirenA}--20260105-${n}.tar.gz`, sha256: 'c'.repeat(64) };
    await this.commands.execute({ type: 'RecordValidation', data: { transmissionId: id, at, errors: [] } });
    await this.commands.execute({ type: 'Route', data: { transmissionId: id, at, endpointId: 'sim', channel: 'actes' } });
    await this.commands.execute({ type: 'RecordPackage', data: { transmissionId: id, at, ...file, size: 1024 } });
    await this.commands.execute({ type: 'RecordSent', data: { transmissionId: id, at, attempt: 1, ...file } });
    const idActe = `021-${this.sirenA}-20260104-MATRIX_${n}-DE`;
    await this.commands.execute({
      type: 'RecordAcknowledgment',
      data: { transmissionId: id, at, acknowledgment: { kind: 'acte', idActe, dateReception: '2026-01-05' } },
    });
    return id;
  }

  /** A's acte whose delivery was given up (`failed`): what an operator retries. */
  async failedActe(): Promise<string> {
    const id = await this.submittedActe();
    const at = new Date().toISOString();
    await this.commands.execute({ type: 'RecordValidation', data: { transmissionId: id, at, errors: [] } });
    await this.commands.execute({ type: 'Route', data: { transmissionId: id, at, endpointId: 'sim', channel: 'actes' } });
    await this.commands.execute({ type: 'RecordDeliveryFailure', data: { transmissionId: id, at, attempt: 1, retryable: false, reason: 'refused' } });
    return id;
  }

  /** A's acknowledged acte with the préfecture's letter (2-1) awaiting an answer. */
  async acteWithLetter(): Promise<string> {
    const id = await this.acknowledgedActe();
    const bytes = minimalPdf(`Courrier ${id}`);
    const { sha256: hash, size } = await new PostgresBlobStore(this.gw.db.pool).put(Readable.from([bytes]));
    await this.commands.execute({
      type: 'RecordLetter',
      data: {
        transmissionId: id,
        at: new Date().toISOString(),
        code: '2-1',
        messageId: `EACT--PREF021-${this.sirenA}-20260110-${id}-2-1.tar.gz`,
        dateCourrierPref: '2026-01-10',
        text: 'Merci de transmettre le plan de financement.',
        documents: [{ sha256: hash, size, name: 'courrier.pdf', mediaType: 'application/pdf' }],
      },
    });
    return id;
  }

  /** A PES_Retour collected for A. */
  async pesRetour(): Promise<string> {
    const fileName = `PES_RETOUR_${this.sirenA}00013_1.xml`;
    const bytes = Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?>\n<PES_Retour><Enveloppe><Parametres><NomFic V="RETOUR_1"/></Parametres></Enveloppe></PES_Retour>\n', 'latin1');
    const { sha256: hash, size } = await new PostgresBlobStore(this.gw.db.pool).put(Readable.from([bytes]));
    const recorded = await recordPesRetour(new PostgresEventStore(this.gw.db.pool), {
      siren: this.sirenA,
      siret: `${this.sirenA}00013`,
      fileName,
      nomFic: 'RETOUR_1',
      idPost: '021000',
      codCol: '001',
      sha256: hash,
      size,
      messageId: fileName,
    });
    return recorded.id;
  }

  /** A webhook of A. */
  async webhook(): Promise<string> {
    const response = await this.gw.call('/api/v1/webhooks', {
      method: 'POST',
      token: this.token('collectiviteA'),
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'https://erp.example.fr/relais/hook', secret: WEBHOOK_SECRET }),
    });
    if (response.status !== 201) throw new Error(`webhook: ${response.status} ${await response.text()}`);
    return ((await response.json()) as { id: string }).id;
  }

  /** The siren an identity acts for when a request names one of its own. */
  sirenOf(identity: Identity): string {
    return identity === 'collectiviteB' ? this.sirenB : this.sirenA;
  }

  nextNumber(): number {
    this.sequence += 1;
    return this.sequence;
  }
}

const json = (body: unknown): Pick<MatrixRequest, 'body' | 'headers'> => ({ body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

/** A new group of collectivités holding A, made by the administrator; its id. */
async function group(f: AccessFixtures): Promise<string> {
  const response = await f.gw.call('/api/v1/admin/groups', { method: 'POST', token: f.gw.adminToken, ...json({ name: `Groupe ${String(f.nextNumber())}`, sirens: [f.sirenA] }) });
  if (response.status !== 201) throw new Error(`creating a group: ${response.status}`);
  return ((await response.json()) as { id: string }).id;
}

/** Whether `identity` is let in by the table on `route` (used to spend fresh fixtures only where a call will succeed). */
type Builder = (f: AccessFixtures, identity: Identity, allowed: boolean) => Promise<MatrixRequest> | MatrixRequest;

/**
 * How to call each route as a given identity. A call that is expected to succeed and changes something
 * gets a fixture of its own (a token to revoke, a failed transmission to retry); a refused one is aimed
 * at A's shared fixtures, which a refusal must leave as they were.
 */
export const REQUESTS: Readonly<Record<string, Builder>> = {
  'GET /health': () => ({ method: 'GET', path: '/health' }),
  'GET /metrics': () => ({ method: 'GET', path: '/metrics' }),
  'GET /api/v1/openapi.json': () => ({ method: 'GET', path: '/api/v1/openapi.json' }),

  'POST /api/v1/admin/collectivites': (f) => {
    const siren = `3${String(process.pid % 10000).padStart(4, '0')}${String(f.nextNumber()).padStart(4, '0')}`;
    return { method: 'POST', path: '/api/v1/admin/collectivites', ...json({ siren, nom: 'Matrice', departement: '021', arrondissement: '1', nature: '31' }) };
  },
  'POST /api/v1/admin/tokens': () => ({ method: 'POST', path: '/api/v1/admin/tokens', ...json({ role: 'auditor' }) }),
  'POST /api/v1/admin/users': (f) => ({
    method: 'POST',
    path: '/api/v1/admin/users',
    ...json({ email: `matrix-${String(f.nextNumber())}-${String(process.pid)}@mairie.example.org`, name: 'Matrice', role: 'collectivite', siren: f.sirenA }),
  }),
  'GET /api/v1/admin/users': (f) => ({ method: 'GET', path: `/api/v1/admin/users?siren=${f.sirenA}` }),
  'DELETE /api/v1/admin/users/{id}': async (f) => ({ method: 'DELETE', path: `/api/v1/admin/users/${await f.user()}` }),
  'POST /api/v1/admin/users/{id}/tokens': async (f) => ({ method: 'POST', path: `/api/v1/admin/users/${await f.user()}/tokens`, ...json({}) }),
  'POST /api/v1/admin/groups': (f) => ({ method: 'POST', path: '/api/v1/admin/groups', ...json({ name: 'Matrice', sirens: [f.sirenA] }) }),
  'GET /api/v1/admin/groups': () => ({ method: 'GET', path: '/api/v1/admin/groups' }),
  'PUT /api/v1/admin/groups/{id}/members': async (f) => ({ method: 'PUT', path: `/api/v1/admin/groups/${await group(f)}/members`, ...json({ sirens: [f.sirenA, f.sirenB] }) }),
  // No identity of the matrix administers a collectivité (collectivité A and B are plain tokens): every cell is refused.
  'GET /api/v1/collectivite/users': () => ({ method: 'GET', path: '/api/v1/collectivite/users' }),
  'POST /api/v1/collectivite/users': (f) => ({
    method: 'POST',
    path: '/api/v1/collectivite/users',
    ...json({ email: `refused-${String(f.nextNumber())}@mairie.example.org`, name: 'Refusé' }),
  }),
  'DELETE /api/v1/collectivite/users/{id}': async (f) => ({ method: 'DELETE', path: `/api/v1/collectivite/users/${await f.user()}` }),
  'POST /api/v1/collectivite/users/{id}/tokens': async (f) => ({ method: 'POST', path: `/api/v1/collectivite/users/${await f.user()}/tokens`, ...json({}) }),
  'GET /api/v1/collectivite/tokens': () => ({ method: 'GET', path: '/api/v1/collectivite/tokens' }),
  'DELETE /api/v1/collectivite/tokens/{id}': async (f) => ({ method: 'DELETE', path: `/api/v1/collectivite/tokens/${(await f.gw.issueToken('collectivite', f.sirenA)).id}` }),
  // No identity of the matrix is a named user: every cell is refused (AUTH.NOT_A_USER), and nothing is saved.
  'GET /api/v1/users/me/notices': () => ({ method: 'GET', path: '/api/v1/users/me/notices' }),
  'PUT /api/v1/users/me/notices': () => ({ method: 'PUT', path: '/api/v1/users/me/notices', ...json({ statuses: ['failed'], messageTypes: ['1-3'] }) }),
  'GET /signin/oidc': () => ({ method: 'GET', path: '/signin/oidc' }),
  'GET /signin/oidc/callback': () => ({ method: 'GET', path: '/signin/oidc/callback?code=x&state=y' }),
  'GET /api/v1/admin/tokens': (f) => ({ method: 'GET', path: `/api/v1/admin/tokens?siren=${f.sirenA}` }),
  'POST /api/v1/admin/tokens/{id}/rotate': async (f) => {
    const { id } = await f.gw.issueToken('auditor');
    return { method: 'POST', path: `/api/v1/admin/tokens/${id}/rotate`, ...json({ graceSeconds: 60 }) };
  },
  'GET /api/v1/tokens/current': () => ({ method: 'GET', path: '/api/v1/tokens/current' }),
  // Each identity rotates its own token once; the old one works on for the default day, so later cells still pass.
  'POST /api/v1/tokens/current/rotate': () => ({ method: 'POST', path: '/api/v1/tokens/current/rotate', ...json({}) }),
  'DELETE /api/v1/admin/tokens/{id}': async (f) => {
    const { id } = await f.gw.issueToken('auditor');
    return { method: 'DELETE', path: `/api/v1/admin/tokens/${id}` };
  },
  'POST /api/v1/admin/transmissions/{id}/shred-personal-data': async (f, _identity, allowed) => ({
    method: 'POST',
    path: `/api/v1/admin/transmissions/${allowed ? await f.submittedActe() : f.acte}/shred-personal-data`,
    ...json({ reason: 'RGPD-2026-001' }),
  }),

  'POST /api/v1/actes': (f) => ({
    method: 'POST',
    path: '/api/v1/actes',
    body: acteForm(acteMetadata({ numeroInterne: `MATRIX_NEW_${f.nextNumber()}` }), minimalPdf('Nouvel acte'), []),
  }),
  'POST /api/v1/actes/archive': async (f, identity) => {
    const archive = await buildActeArchive({
      operatorTrigram: 'SLO',
      sequence: f.nextNumber(),
      dateEnvoi: '2026-01-06',
      collectivite: { siren: f.sirenOf(identity), departement: '021', arrondissement: '1', nature: '31' },
      adressesRetour: ['actes@collectivite.example.org'],
      acte: {
        dateDecision: '2026-01-05',
        numeroInterne: `MATRIX_ARCH_${f.nextNumber()}`,
        nature: 1,
        classification: '7.1',
        objet: 'Budget primitif',
        classificationDateVersion: '2020-01-01',
        documentPapier: false,
        document: { extension: 'pdf', codeTypePJ: '99_DE', content: minimalPdf('Archive') },
        annexes: [],
      },
    });
    return { method: 'POST', path: '/api/v1/actes/archive', body: archive.bytes, headers: { 'content-type': 'application/gzip' } };
  },
  'POST /api/v1/actes/{id}/annulation': async (f, identity, allowed) => ({
    method: 'POST',
    path: `/api/v1/actes/${allowed && identity === 'collectiviteA' ? await f.acknowledgedActe() : f.acte}/annulation`,
  }),
  'POST /api/v1/actes/{id}/exchanges/{number}/replies': async (f, identity, allowed) => {
    const form = new FormData();
    form.append('metadata', JSON.stringify({ code: '2-2' }));
    form.append('documents', new Blob([minimalPdf('Réponse')], { type: 'application/pdf' }), 'reponse.pdf');
    const id = allowed && identity === 'collectiviteA' ? await f.acteWithLetter() : f.acte;
    return { method: 'POST', path: `/api/v1/actes/${id}/exchanges/1/replies`, body: form };
  },
  'POST /api/v1/pes': async (f) => ({
    method: 'POST',
    path: '/api/v1/pes',
    body: await pesAllerBuffer({ ...pesAllerShapes.mixed(), nomFic: `PES_MATRIX_${f.nextNumber()}.xml` }),
    headers: { 'content-type': 'application/xml' },
  }),
  'GET /api/v1/pes/retours': (f) => ({ method: 'GET', path: `/api/v1/pes/retours?siren=${f.sirenA}` }),
  'GET /api/v1/pes/retours/{id}/file': (f) => ({ method: 'GET', path: `/api/v1/pes/retours/${f.retour}/file` }),

  'GET /api/v1/classification': (f) => ({ method: 'GET', path: `/api/v1/classification?siren=${f.sirenA}` }),
  'POST /api/v1/classification/requests': (f) => ({ method: 'POST', path: '/api/v1/classification/requests', ...json({ siren: f.sirenA }) }),

  'GET /api/v1/transmissions': () => ({ method: 'GET', path: '/api/v1/transmissions' }),
  'GET /api/v1/transmissions/{id}': (f) => ({ method: 'GET', path: `/api/v1/transmissions/${f.acte}` }),
  'GET /api/v1/transmissions/{id}/events': (f) => ({ method: 'GET', path: `/api/v1/transmissions/${f.acte}/events` }),
  'GET /api/v1/transmissions/{id}/files/{sha256}': (f) => ({ method: 'GET', path: `/api/v1/transmissions/${f.acte}/files/${f.documentSha256}` }),
  'GET /api/v1/transmissions/{id}/stamped': (f) => ({ method: 'GET', path: `/api/v1/transmissions/${f.acte}/stamped` }),
  'GET /api/v1/transmissions/{id}/receipt': (f) => ({ method: 'GET', path: `/api/v1/transmissions/${f.acte}/receipt` }),
  'POST /api/v1/transmissions/{id}/retry': async (f, _identity, allowed) => ({
    method: 'POST',
    path: `/api/v1/transmissions/${allowed ? await f.failedActe() : f.acte}/retry`,
  }),

  'POST /api/v1/webhooks': () => ({ method: 'POST', path: '/api/v1/webhooks', ...json({ url: 'https://erp.example.fr/relais/hook', secret: WEBHOOK_SECRET }) }),
  'GET /api/v1/webhooks': () => ({ method: 'GET', path: '/api/v1/webhooks' }),
  'DELETE /api/v1/webhooks/{id}': async (f, identity, allowed) => ({
    method: 'DELETE',
    path: `/api/v1/webhooks/${allowed && identity === 'collectiviteA' ? await f.webhook() : f.webhookA}`,
  }),

  'GET /api/v1/admin/dead-letters': () => ({ method: 'GET', path: '/api/v1/admin/dead-letters' }),
  'POST /api/v1/admin/dead-letters/{seq}/retry': async (f, _identity, allowed) => ({
    method: 'POST',
    path: `/api/v1/admin/dead-letters/${allowed ? await f.deadLetter() : f.deadLetterSeq}/retry`,
  }),

  'GET /api/v1/stats/summary': () => ({ method: 'GET', path: '/api/v1/stats/summary' }),
  'GET /api/v1/stats/series': () => ({ method: 'GET', path: '/api/v1/stats/series' }),
  'GET /api/v1/stats/breakdown': () => ({ method: 'GET', path: '/api/v1/stats/breakdown?by=siren' }),
  'GET /api/v1/stats/backlog': () => ({ method: 'GET', path: '/api/v1/stats/backlog' }),
  'GET /api/v1/stats/reasons': () => ({ method: 'GET', path: '/api/v1/stats/reasons' }),
  'GET /api/v1/stats/windows': () => ({ method: 'GET', path: '/api/v1/stats/windows' }),

  'GET /api/v1/audit/events': () => ({ method: 'GET', path: '/api/v1/audit/events?limit=5' }),
  'GET /api/v1/audit/verify': () => ({ method: 'GET', path: '/api/v1/audit/verify' }),
  'GET /api/v1/audit/transmissions': () => ({ method: 'GET', path: '/api/v1/audit/transmissions' }),
  'GET /api/v1/audit/transmissions/{id}': (f) => ({ method: 'GET', path: `/api/v1/audit/transmissions/${f.acte}` }),
  'GET /api/v1/audit/transmissions/{id}/events': (f) => ({ method: 'GET', path: `/api/v1/audit/transmissions/${f.acte}/events` }),

  'GET /signin': () => ({ method: 'GET', path: '/signin' }),
  'POST /signin': () => ({ method: 'POST', path: '/signin' }),
  'POST /signout': async (f, identity) => {
    // Signing out ends the session: each identity signs out of a session of its own, opened for it.
    if (identity === 'none' || identity === 'unknown') return { method: 'POST', path: '/signout' };
    if (identity === 'revoked') {
      const token = await f.gw.issueToken('supervisor');
      const cookie = await f.signIn(token.token);
      await f.revoke(token.id);
      return { method: 'POST', path: '/signout', cookie };
    }
    return { method: 'POST', path: '/signout', cookie: await f.signIn(f.token(identity)) };
  },
  'GET /dashboard': () => ({ method: 'GET', path: '/dashboard' }),
  'GET /audit': () => ({ method: 'GET', path: '/audit' }),
  'GET /app': () => ({ method: 'GET', path: '/app' }),
  'GET /dashboard/assets/{name}': () => ({ method: 'GET', path: '/dashboard/assets/relais.css' }),
  'GET /dashboard/live': () => ({ method: 'GET', path: '/dashboard/live' }),
};

const LIVE_PATH = '/dashboard/live';

/**
 * The head of a GET that may open the live stream, then the connection destroyed: an aborted `fetch`
 * leaves its socket to the client's pool, and the server, which sees it open, waits for it at close.
 */
function streamHead(url: string, headers: Headers): Promise<MatrixAnswer> {
  return new Promise((resolve, reject) => {
    const req = get(url, { headers: Object.fromEntries(headers), agent: false }, (res) => {
      const answered = new Headers();
      for (const [name, value] of Object.entries(res.headers)) {
        if (value !== undefined) answered.set(name, Array.isArray(value) ? value.join(', ') : value);
      }
      const contentType = answered.get('content-type') ?? '';
      if (contentType.startsWith('text/event-stream')) {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, location: answered.get('location'), headers: answered, contentType });
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, location: answered.get('location'), headers: answered, contentType, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/** What one cell answered. */
export interface MatrixAnswer {
  readonly status: number;
  readonly location: string | null;
  readonly headers: Headers;
  readonly contentType: string;
  /** The body of a text answer (HTML, JSON); not kept for files and streams. */
  readonly body?: string;
}

/**
 * Sends `request` as `identity` presenting `credential`, and reads the answer whole (the live stream:
 * only its head, then the connection is dropped).
 */
export async function send(gw: TestGateway, f: AccessFixtures, identity: Identity, credential: Credential, request: MatrixRequest): Promise<MatrixAnswer> {
  const headers = new Headers(request.headers);
  let body = request.body;
  if (credential === 'bearer' && identity !== 'none') headers.set('authorization', `Bearer ${f.token(identity)}`);
  if (credential === 'session') {
    const cookie = request.cookie === undefined ? f.sessions.get(identity) : request.cookie;
    if (cookie !== undefined && cookie !== null) headers.set('cookie', `${SESSION_COOKIE}=${cookie}`);
  }
  if (credential === 'form') {
    headers.set('content-type', 'application/x-www-form-urlencoded');
    body = new URLSearchParams(identity === 'none' ? {} : { token: f.token(identity) }).toString();
  }
  // A page's form or script sends its origin with anything that changes something.
  if (credential !== 'bearer' && request.method !== 'GET') headers.set('origin', gw.base);
  if (request.path === LIVE_PATH) return streamHead(`${gw.base}${request.path}`, headers);
  const response = await fetch(`${gw.base}${request.path}`, { method: request.method, headers, body, redirect: 'manual' });
  const contentType = response.headers.get('content-type') ?? '';
  let text: string | undefined;
  if (contentType.startsWith('text/') || contentType.includes('json')) text = await response.text();
  else await response.arrayBuffer();
  return { status: response.status, location: response.headers.get('location'), headers: response.headers, contentType, ...(text === undefined ? {} : { body: text }) };
}
