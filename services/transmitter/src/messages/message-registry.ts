import type { ReplyCode } from '@relais/domain';
import type pg from 'pg';

/** What a stored message archive is for: an answer to a letter of an acte, or a classification request. */
export type MessageSubject =
  | {
      readonly kind: 'reply';
      readonly code: ReplyCode;
      readonly transmissionId: string;
      readonly exchange: number;
      /** The acte the letter was about. */
      readonly idActe: string;
      /** `DateCourrierPref` of the letter answered, `YYYY-MM-DD`. */
      readonly dateCourrierPref: string;
    }
  | { readonly kind: 'classification'; readonly code: '7-1'; readonly requestId: string };

/** One archive built for a message, as it is claimed in `transmitter_messages`. */
export type MessageArchive = MessageSubject & {
  readonly fileName: string;
  readonly siren: string;
  /** The envelope's day, `YYYY-MM-DD`. */
  readonly day: string;
  readonly number: number;
  readonly sha256: string;
  readonly size: number;
};

/** A claimed message archive and whether the State took it. */
export type MessageRecord = MessageArchive & {
  /** When the State took it; undefined until then. */
  readonly sentAt: Date | undefined;
};

interface MessageRow {
  file_name: string;
  code: string;
  siren: string;
  transmission_id: string | null;
  exchange: number | null;
  id_acte: string | null;
  date_courrier_pref: string | null;
  request_id: string | null;
  day: string;
  number: number;
  sha256: string;
  size: string;
  sent_at: Date | null;
}

const COLUMNS = `file_name, code, siren, transmission_id, exchange, id_acte, to_char(date_courrier_pref, 'YYYY-MM-DD') AS date_courrier_pref,
  request_id, to_char(day, 'YYYY-MM-DD') AS day, number, sha256, size, sent_at`;

function fromRow(row: MessageRow): MessageRecord {
  const common = {
    fileName: row.file_name,
    siren: row.siren,
    day: row.day,
    number: row.number,
    sha256: row.sha256,
    size: Number(row.size),
    sentAt: row.sent_at ?? undefined,
  };
  if (row.request_id !== null) return { ...common, kind: 'classification', code: '7-1', requestId: row.request_id };
  return {
    ...common,
    kind: 'reply',
    // The table's CHECK admits only these codes, and a reply row has all its columns.
    code: row.code as ReplyCode,
    transmissionId: row.transmission_id ?? '',
    exchange: row.exchange ?? 0,
    idActe: row.id_acte ?? '',
    dateCourrierPref: row.date_courrier_pref ?? '',
  };
}

/**
 * `transmitter_messages`: the archive of each answer to a letter and of each 7-1, claimed once (a
 * second claim gets the first archive back, never a new one), then marked sent. Autocommit statements.
 */
export class MessageRegistry {
  constructor(private readonly pool: pg.Pool) {}

  /** Records `message` unless one is recorded for the same subject already: that one is returned. */
  async claim(message: MessageArchive): Promise<MessageRecord> {
    const reply = message.kind === 'reply' ? message : undefined;
    const { rows } = await this.pool.query<MessageRow>(
      `INSERT INTO transmitter_messages
         (file_name, code, siren, transmission_id, exchange, id_acte, date_courrier_pref, request_id, day, number, sha256, size)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       ON CONFLICT DO NOTHING
       RETURNING ${COLUMNS}`,
      [
        message.fileName,
        message.code,
        message.siren,
        reply?.transmissionId ?? null,
        reply?.exchange ?? null,
        reply?.idActe ?? null,
        reply?.dateCourrierPref ?? null,
        message.kind === 'classification' ? message.requestId : null,
        message.day,
        message.number,
        message.sha256,
        message.size,
      ],
    );
    const inserted = rows[0];
    if (inserted !== undefined) return fromRow(inserted);
    const existing = message.kind === 'reply' ? await this.reply(message.transmissionId, message.exchange, message.code) : await this.classificationRequest(message.siren, message.requestId);
    if (existing === undefined) throw new Error(`${message.code} ${message.fileName}: claim lost and not found`);
    return existing;
  }

  /** The archive of the answer `code` to exchange `exchange` of a transmission, if one was built. */
  async reply(transmissionId: string, exchange: number, code: ReplyCode): Promise<MessageRecord | undefined> {
    const { rows } = await this.pool.query<MessageRow>(
      `SELECT ${COLUMNS} FROM transmitter_messages WHERE transmission_id = $1 AND exchange = $2 AND code = $3`,
      [transmissionId, exchange, code],
    );
    return rows[0] === undefined ? undefined : fromRow(rows[0]);
  }

  /** The 7-1 archive of a classification request, if one was built. */
  async classificationRequest(siren: string, requestId: string): Promise<MessageRecord | undefined> {
    const { rows } = await this.pool.query<MessageRow>(`SELECT ${COLUMNS} FROM transmitter_messages WHERE siren = $1 AND request_id = $2`, [
      siren,
      requestId,
    ]);
    return rows[0] === undefined ? undefined : fromRow(rows[0]);
  }

  /** The message sent under `fileName`, if it is one of these. */
  async byFileName(fileName: string): Promise<MessageRecord | undefined> {
    const { rows } = await this.pool.query<MessageRow>(`SELECT ${COLUMNS} FROM transmitter_messages WHERE file_name = $1`, [fileName]);
    return rows[0] === undefined ? undefined : fromRow(rows[0]);
  }

  /** The answers of codes `codes` to the letter of `dateCourrierPref` about `idActe` (one, unless two letters share the day). */
  async answersTo(idActe: string, dateCourrierPref: string, codes: readonly ReplyCode[]): Promise<MessageRecord[]> {
    const { rows } = await this.pool.query<MessageRow>(
      `SELECT ${COLUMNS} FROM transmitter_messages
        WHERE id_acte = $1 AND date_courrier_pref = $2 AND code = ANY($3::text[]) ORDER BY created_at`,
      [idActe, dateCourrierPref, codes],
    );
    return rows.map(fromRow);
  }

  /** Marks a message taken by the State (the first time only). */
  async markSent(fileName: string, at: Date): Promise<void> {
    await this.pool.query('UPDATE transmitter_messages SET sent_at = $2 WHERE file_name = $1 AND sent_at IS NULL', [fileName, at]);
  }
}
