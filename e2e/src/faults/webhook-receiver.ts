import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { freePort } from '../platform.js';

/** What the receiver keeps of each delivery id. */
export interface HeardDelivery {
  readonly deliveryId: string;
  readonly webhookId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly transmissionId: string;
  readonly sequence: number;
  readonly status: string;
  /** How many times it arrived (the notifier retries until a 2xx: repeats are allowed, a receiver drops them). */
  times: number;
}

/** A delivery the receiver refused: a bad signature, or a body it could not read. */
export interface RefusedDelivery {
  readonly deliveryId: string;
  readonly reason: string;
}

/**
 * A collectivité's webhook endpoint that the suite can take away and bring back on the same port: it
 * checks each delivery's `X-Relais-Signature` (HMAC-SHA256 of the raw body with the webhook's secret,
 * compared in constant time, as a receiver must), records it by its delivery id, and answers 204.
 */
export class WebhookReceiver {
  readonly heard = new Map<string, HeardDelivery>();
  readonly refused: RefusedDelivery[] = [];
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  private constructor(
    readonly port: number,
    private readonly secrets: Map<string, string>,
  ) {}

  /** A receiver on a free port, started. */
  static async start(): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver(await freePort(), new Map());
    await receiver.resume();
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port.toString()}/relais-hook`;
  }

  /** The secret the webhook `webhookId` was registered with. */
  trust(webhookId: string, secret: string): void {
    this.secrets.set(webhookId, secret);
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  /** Listens again on the same port. */
  async resume(): Promise<void> {
    if (this.server !== undefined) return;
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const status = this.receive(request.headers, Buffer.concat(chunks).toString('utf8'));
        response.writeHead(status).end();
      });
    });
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', resolve);
    });
    this.server = server;
  }

  /** Goes away: stops listening and cuts the connections kept alive, so that the next deliveries find nobody. */
  async stop(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
    });
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  private receive(headers: NodeJS.Dict<string | string[]>, raw: string): number {
    const deliveryId = header(headers, 'x-relais-delivery') ?? '';
    let body: { webhookId?: string; event?: { id?: string; type?: string; transmissionId?: string; sequence?: number; status?: string } };
    try {
      body = JSON.parse(raw) as typeof body;
    } catch {
      this.refused.push({ deliveryId, reason: 'the body is not JSON' });
      return 400;
    }
    const secret = this.secrets.get(body.webhookId ?? '');
    if (secret === undefined) {
      this.refused.push({ deliveryId, reason: `unknown webhook ${String(body.webhookId)}` });
      return 404;
    }
    const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(raw, 'utf8').digest('hex')}`);
    const given = Buffer.from(header(headers, 'x-relais-signature') ?? '');
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      this.refused.push({ deliveryId, reason: 'the signature does not match the body' });
      return 401;
    }
    const known = this.heard.get(deliveryId);
    if (known !== undefined) {
      known.times += 1;
      return 204;
    }
    const event = body.event ?? {};
    this.heard.set(deliveryId, {
      deliveryId,
      webhookId: body.webhookId ?? '',
      eventId: event.id ?? '',
      eventType: event.type ?? '',
      transmissionId: event.transmissionId ?? '',
      sequence: event.sequence ?? -1,
      status: event.status ?? '',
      times: 1,
    });
    return 204;
  }
}

function header(headers: NodeJS.Dict<string | string[]>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
