import { postArchive, postPesFile } from '../delivery/archive-post.js';
import type { AttemptOutcome } from '../delivery/delivery.decision.js';
import { PesReturnsClient, type PesReturnItem } from '../pes-returns/returns-client.js';
import { MailboxClient, type MailboxItem } from '../replies/mailbox-client.js';
import type { MailboxSource, OutboundChannel, OutboundFile, ReturnsSource } from './state-channel.js';

/** The simulator's plain-HTTP face, for demos and benchmarks: `/sim/actes/<name>` and `/sim/pes/<name>` at the endpoint's URL. */
export class SimHttpChannel implements OutboundChannel {
  readonly kind = 'sim-http';

  constructor(
    private readonly url: string,
    private readonly timeoutMs: number,
  ) {}

  async send(file: OutboundFile): Promise<AttemptOutcome> {
    const body = await file.open();
    return file.pesRouting === undefined
      ? postArchive(this.url, file.fileName, body, this.timeoutMs)
      : postPesFile(this.url, file.fileName, file.pesRouting, body, this.timeoutMs);
  }
}

/**
 * The simulator's mailbox (`/sim/mailbox`): an item set aside stays listed there (the simulator has no
 * folders), and the poller logs it once.
 */
export class SimMailboxSource implements MailboxSource {
  private readonly client: MailboxClient;

  constructor(url: string, timeoutMs: number) {
    this.client = new MailboxClient(url, timeoutMs);
  }

  get baseUrl(): string {
    return this.client.baseUrl;
  }

  pending(): AsyncIterable<MailboxItem> {
    return this.client.pending();
  }

  ack(item: MailboxItem): Promise<void> {
    return this.client.ack(item.id);
  }

  setAside(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** The simulated DGFiP's returns (`/sim/pes/returns`); an item set aside stays listed, as in the mailbox. */
export class SimReturnsSource implements ReturnsSource {
  private readonly client: PesReturnsClient;

  constructor(url: string, timeoutMs: number) {
    this.client = new PesReturnsClient(url, timeoutMs);
  }

  get baseUrl(): string {
    return this.client.baseUrl;
  }

  pending(): AsyncIterable<PesReturnItem> {
    return this.client.pending();
  }

  ack(item: PesReturnItem): Promise<void> {
    return this.client.ack(item.id);
  }

  setAside(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
