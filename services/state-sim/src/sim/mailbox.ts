import type { ReplyFile } from './envelope.xml.js';

/** A reply waiting for the operator, as `GET /sim/mailbox` lists it. */
export interface MailboxItem {
  /** Increasing from 1; `after=<id>` pages on it. */
  readonly id: number;
  /** Which kind of message: the business message's root element (`ARActe`, `LettreObservations`, `AnomalieEnveloppe`…). */
  readonly kind: string;
  /**
   * The name the reply's archive would have (its envelope's name, `.tar.gz`); the files are given
   * unpacked, as the operator reads them once the attachment is opened.
   */
  readonly archiveName: string;
  /** The archive this replies to; absent for a letter the préfecture sends on its own (2-1, 3-1, 4-1, 5-1). */
  readonly receivedFor?: string;
  /** The envelope first (an `AnomalieEnveloppe` alone stands in its place), then the business message and its documents. */
  readonly files: readonly ReplyFile[];
}

/** A page of the mailbox; `next` is there when more items may follow. */
export interface MailboxPage<Item = MailboxItem> {
  readonly items: readonly Item[];
  readonly next?: number;
}

/**
 * The operator's mailbox at the ministry's end: in reality replies are e-mailed and fetched by IMAP;
 * here they wait until the reader acknowledges them. The DGFiP's server, where its files wait until the
 * operator collects them, works the same way with its own items. In memory, no I/O.
 */
export class Mailbox<Item extends { readonly id: number } = MailboxItem> {
  private readonly items = new Map<number, Item>();
  private lastId = 0;

  /** Puts a reply in the mailbox and returns it with its id. */
  deliver(item: Omit<Item, 'id'>): Item {
    this.lastId += 1;
    // Omit<Item, 'id'> plus an id is an Item: TypeScript cannot see it through the generic.
    const stored = { ...item, id: this.lastId } as Item;
    this.items.set(stored.id, stored);
    return stored;
  }

  /** Unacknowledged items with an id above `after`, oldest first, at most `limit`. */
  list(after: number, limit: number): MailboxPage<Item> {
    const items: Item[] = [];
    // Map iteration follows insertion order, which is id order.
    for (const item of this.items.values()) {
      if (item.id <= after) continue;
      if (items.length === limit) return { items, next: items.at(-1)?.id ?? after };
      items.push(item);
    }
    return { items };
  }

  /**
   * Marks an item processed: it is not listed again. Acknowledging twice is harmless (a reader may crash
   * between its ack and its checkpoint); false only for an id never issued.
   */
  ack(id: number): boolean {
    this.items.delete(id);
    return Number.isSafeInteger(id) && id >= 1 && id <= this.lastId;
  }
}
