import { parseRetourClassification, type ActesClassification } from '@relais/actes';
import type { BlobStore } from '@relais/blob-store';
import type { ClassificationState } from '@relais/domain';
import type { ClassificationCommands } from './classifications.js';

/** A collectivité's classification as it applies now, and where it comes from. */
export interface CurrentClassification {
  /** `default` until the préfecture's first 7-2, `prefecture` after. */
  readonly source: 'default' | 'prefecture';
  readonly catalogue: ActesClassification;
}

/** A 7-2 bigger than this is not read: real ones weigh a few hundred kilobytes. */
const MAX_RETOUR_CLASSIFICATION_BYTES = 16 * 1024 * 1024;

/**
 * The classification that applies to a collectivité (API.md: the platform's default until its
 * préfecture sends one): the default, or its last 7-2 read from the blob store and parsed. Parsed
 * 7-2s are kept by sha256 (a collectivité's changes seldom, and many share a préfecture's), the least
 * recently used dropped past `maxCached`; a parse in flight is shared by whoever asks meanwhile.
 */
export class ClassificationCatalogues {
  private readonly parsed = new Map<string, Promise<ActesClassification>>();

  constructor(
    private readonly blobs: BlobStore,
    readonly defaultCatalogue: ActesClassification,
    private readonly maxCached = 64,
  ) {}

  /** The classification of `siren` now, read from its stream; the default for a SIREN without a 7-2 (or never registered). */
  async of(commands: ClassificationCommands, siren: string): Promise<CurrentClassification> {
    return this.current((await commands.load(siren)).state);
  }

  /** The classification a collectivité's folded classification state gives. */
  async current(state: ClassificationState): Promise<CurrentClassification> {
    if (state.current === undefined) return { source: 'default', catalogue: this.defaultCatalogue };
    return { source: 'prefecture', catalogue: await this.retourClassification(state.current.sha256) };
  }

  private retourClassification(sha256: string): Promise<ActesClassification> {
    const cached = this.parsed.get(sha256);
    if (cached !== undefined) {
      this.parsed.delete(sha256);
      this.parsed.set(sha256, cached);
      return cached;
    }
    const parsing = this.read(sha256).then(parseRetourClassification);
    this.parsed.set(sha256, parsing);
    // A failure (the store unreachable) is not kept: the next caller tries again.
    void parsing.catch(() => this.parsed.delete(sha256));
    while (this.parsed.size > this.maxCached) {
      const oldest = this.parsed.keys().next();
      if (oldest.done === true) break;
      this.parsed.delete(oldest.value);
    }
    return parsing;
  }

  private async read(sha256: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of await this.blobs.get(sha256)) {
      const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      size += bytes.length;
      if (size > MAX_RETOUR_CLASSIFICATION_BYTES) throw new Error(`The 7-2 ${sha256} exceeds ${MAX_RETOUR_CLASSIFICATION_BYTES} bytes`);
      chunks.push(bytes);
    }
    return Buffer.concat(chunks, size);
  }
}
