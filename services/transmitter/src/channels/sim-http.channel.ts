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

/** A simulator list of waiting items (`/sim/mailbox`, `/sim/pes/returns`), acknowledged by id. */
interface SimList<I extends { readonly id: number | string }> {
  readonly baseUrl: string;
  pending(): AsyncIterable<I>;
  ack(id: I['id']): Promise<void>;
}

/**
 * The simulator's mailbox (`/sim/mailbox`) or the simulated DGFiP's returns (`/sim/pes/returns`): an
 * item set aside stays listed there (the simulator has no folders), and the poller logs it once.
 */
class SimSource<I extends { readonly id: number | string }> {
  constructor(private readonly list: SimList<I>) {}

  get baseUrl(): string {
    return this.list.baseUrl;
  }

  pending(): AsyncIterable<I> {
    return this.list.pending();
  }

  ack(item: I): Promise<void> {
    return this.list.ack(item.id);
  }

  setAside(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** The simulated préfecture's replies at `url`. */
export function simMailboxSource(url: string, timeoutMs: number): MailboxSource {
  return new SimSource<MailboxItem>(new MailboxClient(url, timeoutMs));
}

/** The simulated DGFiP's returns at `url`. */
export function simReturnsSource(url: string, timeoutMs: number): ReturnsSource {
  return new SimSource<PesReturnItem>(new PesReturnsClient(url, timeoutMs));
}
