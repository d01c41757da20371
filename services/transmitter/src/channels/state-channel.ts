import type { DeliveryBody } from '../delivery/archive-post.js';
import type { AttemptOutcome } from '../delivery/delivery.decision.js';
import type { PendingSource } from '../polling/polling.js';
import type { PesReturnItem } from '../pes-returns/returns-client.js';
import type { MailboxItem } from '../replies/mailbox-client.js';

/** A file handed to a State endpoint by one attempt. */
export interface OutboundFile {
  /** The name the State knows it by (`RLS-EACT--…tar.gz`, `PESALR2_…xml`). */
  readonly fileName: string;
  readonly size: number;
  readonly contentType: 'application/gzip' | 'application/xml';
  /** The bytes for this attempt: in memory (a small message), or a fresh stream checked against their size and hash as it is read. */
  readonly open: () => Promise<DeliveryBody>;
  /** A PES file's `P_MSG` route (`PES#<CodCol>#<IdPost>#<CodBud>`, DOMAIN.md §2.3). */
  readonly pesRouting?: string;
}

/**
 * How files reach one endpoint. `send` never throws for what happens on the wire: it sorts it into an
 * {@link AttemptOutcome} (taken, refused for good, unavailable for now). It throws only when the bytes
 * cannot be read back, which the caller treats as a packaging fault.
 */
export interface OutboundChannel {
  /** `sim-http`, `https-mtls`, `sftp`: for the logs. */
  readonly kind: string;
  send(file: OutboundFile): Promise<AttemptOutcome>;
}

/**
 * What a reader of a State server does with an item once handled: acknowledge it there (recorded:
 * not listed again), or keep it aside for an operator (matches nothing, unreadable). Both come only
 * after the outcome is known; an item neither acknowledged nor set aside is read again next round.
 */
export interface InboundSource<I extends { readonly id: number | string }> extends PendingSource<I> {
  ack(item: I): Promise<void>;
  setAside(item: I, reason: string): Promise<void>;
  /** Ends the round's connection, if the source holds one. */
  close(): Promise<void>;
}

/** The préfecture's messages of one @ctes endpoint: the simulator's mailbox or an IMAP box. */
export type MailboxSource = InboundSource<MailboxItem>;

/** The DGFiP's returns of one Hélios endpoint: the simulator's list or an SFTP directory. */
export type ReturnsSource = InboundSource<PesReturnItem>;
