import { PostgresBlobStore } from '@relais/blob-store';
import { fromStored, PersonalField, type TransmissionEvent } from '@relais/domain';
import { PostgresEventStore, type Queryable } from '@relais/event-store';
import { PersonalDataKeys } from '@relais/privacy';
import { loadCollectivite, transmissionStreamId } from '@relais/service-kit';
import { acknowledgmentReceipt, isStampError, stampActe, StampErrorCode } from '@relais/stamp';
import type { Principal } from '../auth/principal.js';
import { ApiError } from '../errors/api-error.js';
import { mayRead } from '../groups/followed-sirens.js';
import { isTransmissionId, notFound } from '../transmissions/transmissions.reader.js';
import { acknowledgedActe, documentName, receiptFacts, stampFacts, type AcknowledgedActe } from './document-facts.js';

/** A document made for download. */
export interface MadeDocument {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/**
 * The documents of an acknowledged acte, made on demand from the event log and the blob store (both
 * are deterministic in what they print, so nothing is kept): the stamped acte and the bordereau
 * d'acquittement. Visibility is the transmission's: a collectivité sees only its own (a group
 * administrator, those of every collectivité they follow; another's id answers 404
 * TRANSMISSION.NOT_FOUND, as an unknown one), supervisors and auditors all.
 */
export class ActeDocuments {
  constructor(
    private readonly store: PostgresEventStore,
    private readonly blobs: PostgresBlobStore,
    private readonly db: Queryable,
  ) {}

  /** The acte with the préfecture's stamp on its first page; 409 `STAMP.*` when its document cannot be stamped. */
  async stamped(id: string, principal: Principal): Promise<MadeDocument> {
    const acte = await this.acknowledged(id, principal);
    const original = await this.read(acte.acte.document.sha256);
    try {
      return { name: documentName(acte.idActe, 'tampon'), bytes: await stampActe(original, stampFacts(acte)) };
    } catch (error) {
      if (isStampError(error, StampErrorCode.PdfUnreadable) || isStampError(error, StampErrorCode.PdfEncrypted)) {
        throw ApiError.of(409, error.code, `The acte of transmission ${id} cannot be stamped: ${error.message}`);
      }
      throw error;
    }
  }

  /** The bordereau d'acquittement; once the personal data were shredded it says the objet was erased. */
  async receipt(id: string, principal: Principal): Promise<MadeDocument> {
    const acte = await this.acknowledged(id, principal);
    const collectivite = await loadCollectivite(this.store, acte.siren);
    const objet = (await new PersonalDataKeys(this.db).ring([id])).reveal(id, PersonalField.Objet, acte.acte.objet);
    return { name: documentName(acte.idActe, 'accuse-reception'), bytes: await acknowledgmentReceipt(receiptFacts(acte, collectivite?.nom ?? '', objet)) };
  }

  private async acknowledged(id: string, principal: Principal): Promise<AcknowledgedActe> {
    return acknowledgedActe(id, await this.visibleEvents(id, principal));
  }

  private async visibleEvents(id: string, principal: Principal): Promise<readonly TransmissionEvent[]> {
    if (!isTransmissionId(id)) throw notFound(id);
    const events = (await this.store.readStream(transmissionStreamId(id))).map((stored) => fromStored(stored.type, stored.data));
    const received = events.find((event) => event.type === 'TransmissionReceived');
    if (received === undefined || !mayRead(principal, received.data.siren)) throw notFound(id);
    return events;
  }

  /** A stored file, whole: pdf-lib works on bytes in memory (the upload limit bounds them). */
  private async read(sha256: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of await this.blobs.get(sha256)) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
    return Buffer.concat(chunks);
  }
}
