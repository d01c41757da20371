import type { ReplyArchiveInput } from '@relais/actes';
import type { Exchange, ExchangeReply, FileRef, ReplyCode, Transmission } from '@relais/domain';
import type { Collectivite } from '@relais/service-kit';
import { fileExtension, type EnvelopeSettings } from '../archives/archive-input.js';

/** What to do about an answer to a letter the log asked to send. */
export type ReplyPlan =
  /** Send it: the acte's IDActe, the letter answered and the answer asked. */
  | { readonly kind: 'send'; readonly idActe: string; readonly exchange: Exchange; readonly reply: ExchangeReply }
  /** The log already says the State took it. */
  | { readonly kind: 'sent' }
  /** The transmission holds no such answer to send: retrying cannot help. */
  | { readonly kind: 'impossible'; readonly why: string };

/** Whether and what to send for the answer `code` to exchange `exchange` of `t`. */
export function replyPlan(t: Transmission, exchange: number, code: ReplyCode): ReplyPlan {
  const letter = t.exchanges.find((e) => e.number === exchange);
  if (letter === undefined) return { kind: 'impossible', why: `transmission ${t.id} has no exchange ${exchange}` };
  const reply = letter.replies.find((r) => r.code === code);
  if (reply === undefined) return { kind: 'impossible', why: `no ${code} was asked in exchange ${exchange} of transmission ${t.id}` };
  if (reply.sent !== undefined) return { kind: 'sent' };
  const answer = t.answer;
  const idActe = answer?.status === 'acknowledged' && answer.acknowledgment.kind === 'acte' ? answer.acknowledgment.idActe : '';
  if (idActe === '') return { kind: 'impossible', why: `transmission ${t.id} has no IDActe from its AR` };
  return { kind: 'send', idActe, exchange: letter, reply };
}

/** Everything one answer's archive is made of. */
export interface ReplyParts {
  readonly collectivite: Pick<Collectivite, 'siren' | 'departement' | 'arrondissement' | 'nature'>;
  readonly idActe: string;
  readonly dateCourrierPref: string;
  readonly code: ReplyCode;
  /** The answer's documents and their bytes, in order. */
  readonly documents: readonly { readonly file: FileRef; readonly content: Uint8Array }[];
  /** `YYYY-MM-DD`. */
  readonly dateEnvoi: string;
  readonly sequence: number;
  readonly settings: Pick<EnvelopeSettings, 'operatorTrigram' | 'returnAddress'>;
}

/**
 * The input of `buildReplyArchive`: the collectivité's registration as sender, the letter answered (the
 * acte's IDActe and the letter's DateCourrierPref), each document under the extension its type gives.
 * @throws PackagingError `TRANSMITTER.FILE_TYPE_UNSUPPORTED` for a document @ctes does not carry
 */
export function replyArchiveInput(parts: ReplyParts): ReplyArchiveInput {
  const { collectivite, settings } = parts;
  return {
    operatorTrigram: settings.operatorTrigram,
    sequence: parts.sequence,
    dateEnvoi: parts.dateEnvoi,
    collectivite: {
      siren: collectivite.siren,
      departement: collectivite.departement,
      arrondissement: collectivite.arrondissement,
      nature: collectivite.nature,
    },
    adressesRetour: [settings.returnAddress],
    code: parts.code,
    idActe: parts.idActe,
    dateCourrierPref: parts.dateCourrierPref,
    documents: parts.documents.map(({ file, content }) => ({ extension: fileExtension(file), content })),
  };
}
