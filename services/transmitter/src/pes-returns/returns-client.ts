/** One file the DGFiP left for the operator on its server. */
export interface PesReturnItem {
  /** The server's id of the file, used to acknowledge it. */
  readonly id: string;
  /** `PES_Acquit`, `PES_NonAcquit`, `PES_Retour` (or anything the server may add). */
  readonly kind: string;
  /** The file's name on the server: unique there, its id in the log. `''` when the server gave none. */
  readonly fileName: string;
  /** The name of the PES file it answers, when the server says so. */
  readonly receivedFor?: string;
  readonly content: Buffer;
}

interface ReturnsPageBody {
  readonly items?: unknown;
  readonly next?: unknown;
}

const PAGE_SIZE = 50;

/**
 * The returns of a Hélios endpoint (the simulator's `/sim/pes/returns`; in production the files the
 * operator fetches from the DGFiP's server): listed page after page, each acknowledged once recorded so
 * that it is not listed again. Every call is bounded by `timeoutMs`.
 */
export class PesReturnsClient {
  constructor(
    readonly baseUrl: string,
    private readonly timeoutMs: number,
  ) {}

  /** Every file not acknowledged yet, oldest first. */
  async *pending(): AsyncGenerator<PesReturnItem> {
    let after: string | undefined;
    for (;;) {
      const query = `${after === undefined ? '' : `after=${encodeURIComponent(after)}&`}limit=${PAGE_SIZE}`;
      const response = await fetch(`${this.base()}/sim/pes/returns?${query}`, { signal: AbortSignal.timeout(this.timeoutMs) });
      if (!response.ok) throw new Error(`GET ${this.baseUrl} PES returns: HTTP ${response.status}`);
      const page = (await response.json()) as ReturnsPageBody;
      const items = Array.isArray(page.items) ? (page.items as unknown[]) : [];
      for (const raw of items) yield returnItem(raw);
      const next = typeof page.next === 'number' || typeof page.next === 'string' ? String(page.next) : undefined;
      if (next === undefined || next === after || items.length === 0) return;
      after = next;
    }
  }

  /** Marks a file processed on the server. */
  async ack(id: string): Promise<void> {
    const response = await fetch(`${this.base()}/sim/pes/returns/${encodeURIComponent(id)}/ack`, {
      method: 'POST',
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!response.ok) throw new Error(`POST ${this.baseUrl} PES return ack ${id}: HTTP ${response.status}`);
  }

  private base(): string {
    return this.baseUrl.replace(/\/+$/, '');
  }
}

function returnItem(raw: unknown): PesReturnItem {
  const item = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const { id, kind, fileName, receivedFor, contentBase64 } = item;
  if ((typeof id !== 'number' || !Number.isSafeInteger(id)) && (typeof id !== 'string' || id === '')) {
    throw new Error(`PES return without an id: ${JSON.stringify(raw).slice(0, 200)}`);
  }
  return {
    id: String(id),
    kind: typeof kind === 'string' ? kind : '',
    fileName: typeof fileName === 'string' ? fileName : '',
    ...(typeof receivedFor === 'string' && receivedFor !== '' ? { receivedFor } : {}),
    content: typeof contentBase64 === 'string' ? Buffer.from(contentBase64, 'base64') : Buffer.alloc(0),
  };
}
