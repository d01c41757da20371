import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buffer } from 'node:stream/consumers';
import { fileURLToPath } from 'node:url';

// The simulator is another app: the tests run its built process (an app never imports another app).
const simMain = fileURLToPath(new URL('../../state-sim/dist/main.js', import.meta.url));

/** The counters of `GET /sim/stats`, for all flows and for each. */
export interface SimCounters {
  readonly received: number;
  readonly retries: number;
  readonly duplicates: number;
  readonly conflicts: number;
}

/** `GET /sim/stats`. */
export interface SimStats extends SimCounters {
  readonly byKind: { readonly acte: SimCounters; readonly pes: SimCounters } & Readonly<Record<string, SimCounters>>;
}

/** A DGFiP file as `GET /sim/pes/returns` lists it. */
export interface SimPesReturn {
  readonly id: number;
  readonly kind: 'PES_Acquit' | 'PES_NonAcquit' | 'PES_Retour';
  readonly fileName: string;
  readonly receivedFor?: string;
  readonly contentBase64: string;
}

/** A mailbox item as `GET /sim/mailbox` lists it. */
export interface SimMailboxItem {
  readonly id: number;
  readonly kind: string;
  readonly archiveName: string;
  readonly receivedFor?: string;
  readonly files: readonly { readonly name: string; readonly contentBase64: string }[];
}

/** The letter `POST /sim/actes/:idActe/messages` put in the mailbox. */
export interface SimLetter {
  readonly id: number;
  readonly kind: string;
  readonly messageName: string;
  readonly dateCourrierPref: string;
}

/** The State simulator, its built process on a free port. */
export class StateSim {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static async start(): Promise<StateSim> {
    if (!existsSync(simMain)) throw new Error(`${simMain} is missing: build the simulator first (npx nx run state-sim:build)`);
    const port = await freePort();
    const child = spawn(process.execPath, [simMain], {
      stdio: 'ignore',
      env: { ...process.env, STATE_SIM_PORT: String(port), STATE_SIM_ACK_DELAY_MS: '50', STATE_SIM_ANOMALY_RATE: '0', STATE_SIM_SEED: '7', STATE_SIM_MAX_ARCHIVE_BYTES: String(16 * 1024 * 1024) },
    });
    const url = `http://127.0.0.1:${port.toString()}`;
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the simulator exited with ${String(child.exitCode)}`);
      const up = await fetch(`${url}/health`).then((r) => r.ok, () => false);
      if (up) return new StateSim(child, url);
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error('the simulator did not answer within 20 s');
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async configure(settings: {
    ackDelayMs?: number;
    anomalyRate?: number;
    failNext?: number;
    hang?: boolean;
    slowNext?: number;
    slowAnswerMs?: number;
    envelopeAnomalyNext?: number;
    classificationDate?: string;
    pesPartialRate?: number;
    pesNackRate?: number;
    pesNonAcquitRate?: number;
    pesErrorCode?: string | null;
  }): Promise<void> {
    const response = await fetch(`${this.url}/sim/config`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(settings),
    });
    if (response.status !== 200) throw new Error(`sim config: HTTP ${response.status}`);
  }

  async reset(): Promise<void> {
    const response = await fetch(`${this.url}/sim/reset`, { method: 'POST' });
    if (response.status !== 200) throw new Error(`sim reset: HTTP ${response.status}`);
  }

  async stats(): Promise<SimStats> {
    return (await (await fetch(`${this.url}/sim/stats`)).json()) as SimStats;
  }

  async mailbox(): Promise<SimMailboxItem[]> {
    return ((await (await fetch(`${this.url}/sim/mailbox?limit=1000`)).json()) as { items: SimMailboxItem[] }).items;
  }

  /** Has the simulated préfecture write a letter (2-1, 3-1, 4-1, 5-1) about an acte it acknowledged. */
  async letter(idActe: string, code: '2-1' | '3-1' | '4-1' | '5-1', text?: string): Promise<SimLetter> {
    const response = await fetch(`${this.url}/sim/actes/${encodeURIComponent(idActe)}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(text === undefined ? { code } : { code, text }),
    });
    if (response.status !== 201) throw new Error(`sim letter ${code} about ${idActe}: HTTP ${response.status} ${await response.text()}`);
    return (await response.json()) as SimLetter;
  }

  /** The bytes the simulator received under an archive name, if any. */
  async received(archiveName: string): Promise<Buffer | undefined> {
    const response = await fetch(`${this.url}/sim/actes/${encodeURIComponent(archiveName)}`);
    if (response.status === 404) return undefined;
    if (response.status !== 200) throw new Error(`sim archive ${archiveName}: HTTP ${response.status}`);
    return Buffer.from(await response.arrayBuffer());
  }

  /** The DGFiP's files not yet acknowledged by the operator. */
  async pesReturns(): Promise<SimPesReturn[]> {
    return ((await (await fetch(`${this.url}/sim/pes/returns?limit=1000`)).json()) as { items: SimPesReturn[] }).items;
  }

  /** The bytes the simulated DGFiP received under a PES file name, if any. */
  async pesReceived(fileName: string): Promise<Buffer | undefined> {
    const response = await fetch(`${this.url}/sim/pes/${encodeURIComponent(fileName)}`);
    if (response.status === 404) return undefined;
    if (response.status !== 200) throw new Error(`sim PES file ${fileName}: HTTP ${response.status}`);
    return Buffer.from(await response.arrayBuffer());
  }

  /** Has the simulated DGFiP put a PES_Retour for `siret` among its returns. */
  async pesRetour(request: { siret: string; idPost?: string; codCol?: string; text?: string }): Promise<{ id: number; fileName: string }> {
    const response = await fetch(`${this.url}/sim/pes/retours`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
    });
    if (response.status !== 201) throw new Error(`sim PES_Retour for ${request.siret}: HTTP ${response.status} ${await response.text()}`);
    return (await response.json()) as { id: number; fileName: string };
  }

  /** Deposits a PES file straight at the simulator, as another sender would. */
  async depositPes(fileName: string, routing: string, bytes: Uint8Array): Promise<number> {
    const response = await fetch(`${this.url}/sim/pes/${encodeURIComponent(fileName)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml', 'x-pes-routing': routing },
      body: bytes,
    });
    return response.status;
  }

  /** Delivers an archive straight to the simulator, as another sender would. */
  async deliver(name: string, bytes: Uint8Array): Promise<number> {
    const response = await fetch(`${this.url}/sim/actes/${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/gzip' },
      body: bytes,
    });
    return response.status;
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }
}

/**
 * A slow network in front of the simulator: everything is passed on, except that while `holdDeliveries`
 * is above 0, a delivery's answer (an archive's, a PES file's) is swallowed after the simulator took
 * it. The sender sees no answer at all, and cannot know that the State has its file.
 */
export class AnswerSwallowingProxy {
  /** How many of the next deliveries lose their answer. */
  holdDeliveries = 0;
  /** Deliveries the simulator took whose answer was swallowed. */
  swallowed = 0;
  private readonly server: Server;

  private constructor(private readonly target: string) {
    this.server = createServer((request, response) => {
      this.pass(request, response).catch(() => {
        response.destroy();
      });
    });
  }

  static async start(target: string): Promise<AnswerSwallowingProxy> {
    const proxy = new AnswerSwallowingProxy(target);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  private async pass(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await buffer(request);
    const routing = request.headers['x-pes-routing'];
    const upstream = await fetch(`${this.target}${request.url ?? '/'}`, {
      method: request.method ?? 'GET',
      headers: {
        'content-type': request.headers['content-type'] ?? 'application/octet-stream',
        ...(typeof routing === 'string' ? { 'x-pes-routing': routing } : {}),
      },
      ...(request.method === 'GET' || request.method === 'HEAD' ? {} : { body }),
    });
    const answer = Buffer.from(await upstream.arrayBuffer());
    const path = request.url ?? '';
    const isPesDeposit = path.startsWith('/sim/pes/') && !path.startsWith('/sim/pes/returns') && !path.startsWith('/sim/pes/retours');
    const isDelivery = request.method === 'POST' && (path.startsWith('/sim/actes/') || isPesDeposit);
    if (isDelivery && this.holdDeliveries > 0 && upstream.status === 200) {
      this.holdDeliveries -= 1;
      this.swallowed += 1;
      return; // The answer never comes: the connection stays open until the sender gives up.
    }
    response.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/octet-stream' });
    response.end(answer);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => { resolve(); }));
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => {
        resolve(port);
      });
    });
  });
}
