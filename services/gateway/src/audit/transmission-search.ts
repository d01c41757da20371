import type { TransmissionPage, TransmissionView } from '@relais/read-models';
import type pg from 'pg';
import { encodeSearchCursor, type AuditSearch } from './audit-search.query.js';

/** `text` matched literally by LIKE: its wildcards and the escape character escaped. */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * A page of the transmissions read model for auditors, newest received first (by creation, then id),
 * with keyset paging: `next` names the last item, so pages neither skip nor repeat rows as new ones
 * arrive. The text matches the start of the id, or anywhere in the numéro interne, NomFic, objet or
 * IDActe, ignoring case.
 */
export async function searchTransmissions(db: pg.Pool, search: AuditSearch): Promise<TransmissionPage> {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown): string => {
    params.push(value);
    return `$${params.length.toString()}`;
  };
  if (search.siren !== undefined) conditions.push(`siren = ${param(search.siren)}`);
  if (search.kind !== undefined) conditions.push(`kind = ${param(search.kind)}`);
  if (search.status !== undefined) conditions.push(`status = ${param(search.status)}`);
  if (search.from !== undefined) conditions.push(`created_at >= ${param(search.from)}`);
  if (search.to !== undefined) conditions.push(`created_at < ${param(search.to)}`);
  if (search.text !== undefined) {
    const literal = likeLiteral(search.text);
    const prefix = param(`${literal}%`);
    const anywhere = param(`%${literal}%`);
    const fields = ["view->'acte'->>'numeroInterne'", "view->'pes'->>'nomFic'", "view->'acte'->>'objet'", "view->'acte'->>'idActe'"];
    conditions.push(`(id ILIKE ${prefix} ESCAPE '\\' OR ${fields.map((field) => `${field} ILIKE ${anywhere} ESCAPE '\\'`).join(' OR ')})`);
  }
  if (search.after !== undefined) {
    conditions.push(`(created_at, id) < (${param(search.after.createdAt)}::timestamptz, ${param(search.after.id)}::text)`);
  }
  const limit = param(search.limit + 1);
  const { rows } = await db.query<{ view: TransmissionView }>(
    `SELECT view FROM transmissions
      ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''}
      ORDER BY created_at DESC, id DESC
      LIMIT ${limit}`,
    params,
  );
  const items = rows.slice(0, search.limit).map((row) => row.view);
  const last = items[items.length - 1];
  return rows.length > search.limit && last !== undefined ? { items, next: encodeSearchCursor({ createdAt: last.createdAt, id: last.id }) } : { items };
}
