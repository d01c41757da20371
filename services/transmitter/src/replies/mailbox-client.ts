import type { PrefectureFile } from '@relais/actes';

/** One message of the préfecture waiting in a State mailbox. */
export interface MailboxItem {
  readonly id: number;
  /** The mailbox's own label of the message (`ARActe`, `CourrierSimple`…). */
  readonly kind: string;
  /** The name of the message's archive (its envelope's): unique per préfecture message, its id in the log; `''` when the mailbox gave none. */
  readonly archiveName: string;
  /** The archive it answers, when the mailbox says so. */
  readonly receivedFor?: string;
  readonly files: readonly PrefectureFile[];
  /** Why the item cannot be read as a message (a mail without its archive…): set aside for an operator. */
  readonly problem?: string;
}

interface MailboxPageBody {
  readonly items?: unknown;
  readonly next?: unknown;
}

const PAGE_SIZE = 100;

/**
 * The reply mailbox of an @ctes endpoint (the simulator's `/sim/mailbox`; in production the operator's
 * IMAP box plays this part). Every call is bounded by `timeoutMs`.
 */
export class MailboxClient {
  constructor(
    readonly baseUrl: string,
    private readonly timeoutMs: number,
  ) {}

  /** Every unacknowledged reply, oldest first, page after page. */
  async *pending(): AsyncGenerator<MailboxItem> {
    let after = 0;
    for (;;) {
      const response = await fetch(`${this.base()}/sim/mailbox?after=${after}&limit=${PAGE_SIZE}`, {
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (!response.ok) throw new Error(`GET ${this.baseUrl} mailbox: HTTP ${response.status}`);
      const page = (await response.json()) as MailboxPageBody;
      const items = Array.isArray(page.items) ? (page.items as unknown[]) : [];
      for (const raw of items) yield mailboxItem(raw);
      if (typeof page.next !== 'number' || page.next <= after) return;
      after = page.next;
    }
  }

  /** Marks a reply processed, so that it is not listed again. */
  async ack(id: number): Promise<void> {
    const response = await fetch(`${this.base()}/sim/mailbox/${id}/ack`, {
      method: 'POST',
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!response.ok) throw new Error(`POST ${this.baseUrl} mailbox ack ${id}: HTTP ${response.status}`);
  }

  private base(): string {
    return this.baseUrl.replace(/\/+$/, '');
  }
}

function mailboxItem(raw: unknown): MailboxItem {
  const item = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const { id, kind, archiveName, receivedFor, files } = item;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) throw new Error(`mailbox item without an id: ${JSON.stringify(raw)}`);
  const decoded = (Array.isArray(files) ? (files as unknown[]) : []).flatMap((file): PrefectureFile[] => {
    const f = (typeof file === 'object' && file !== null ? file : {}) as Record<string, unknown>;
    return typeof f['name'] === 'string' && typeof f['contentBase64'] === 'string'
      ? [{ name: f['name'], content: Buffer.from(f['contentBase64'], 'base64') }]
      : [];
  });
  return {
    id,
    kind: typeof kind === 'string' ? kind : '',
    archiveName: typeof archiveName === 'string' ? archiveName : '',
    ...(typeof receivedFor === 'string' && receivedFor !== '' ? { receivedFor } : {}),
    files: decoded,
  };
}
