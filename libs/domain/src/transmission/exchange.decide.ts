import { sameValue } from '../shared/same-value.js';
import type { RecordLetter, RecordMessageSent, RecordReplyAcknowledgment, RequestReply } from './transmission.commands.js';
import { TransmissionError, TransmissionErrorCode } from './transmission.errors.js';
import type {
  TransmissionLetterReceived,
  TransmissionMessageSent,
  TransmissionReplyAcknowledged,
  TransmissionReplyRequested,
} from './transmission.events.js';
import { conflict, existing, idActeOf, invalidCommand, kindMismatch } from './transmission.guards.js';
import type { Exchange, SentMessage, Transmission, TransmissionState } from './transmission.state.js';
import { letterRules, PLATFORM_ACTOR, replyDocuments, type ReplyCode } from './transmission.values.js';

/*
 * After its AR an acte's history goes on (API.md): the préfecture writes (2-1, 3-1, 4-1, 5-1), the
 * platform acknowledges a request for documents or a lettre d'observations at once (3-2, 4-2, as S²LOW
 * does), the collectivité answers (2-2, 3-3/3-4, 4-3/4-4), and the préfecture acknowledges the answer
 * (3-5, 4-5). None of it changes the status: only an annulation does.
 */

function notFound(t: Transmission, exchange: number): TransmissionError {
  return new TransmissionError(TransmissionErrorCode.ExchangeNotFound, `Transmission ${t.id} has no exchange ${exchange}`);
}

function notAllowed(t: Transmission, exchange: Exchange, why: string): TransmissionError {
  const message = `Exchange ${exchange.number} (${exchange.code}) of transmission ${t.id} cannot take this answer: ${why}`;
  return new TransmissionError(TransmissionErrorCode.ReplyNotAllowed, message);
}

function exchangeOf(t: Transmission, number: number): Exchange {
  const exchange = t.exchanges.find((e) => e.number === number);
  if (exchange === undefined) throw notFound(t, number);
  return exchange;
}

/** An acte the préfecture acknowledged (it has an IDActe): only such an acte has letters and answers. */
function acknowledgedActe(t: Transmission, command: RecordLetter | RequestReply): void {
  if (t.submission.kind !== 'acte') throw kindMismatch(t, command, 'only an acte has letters from the préfecture');
  if ((t.status !== 'acknowledged' && t.status !== 'cancelled') || idActeOf(t) === undefined) {
    throw new TransmissionError(
      TransmissionErrorCode.InvalidTransition,
      `${command.type} is not allowed: transmission ${t.id} is ${t.status}, and the préfecture writes about an acte only after its AR`,
    );
  }
}

/**
 * Records a letter of the préfecture as a new exchange; a 3-1 or 4-1 also asks for its automatic receipt
 * (3-2, 4-2) in the same decision, so that no letter is ever left unacknowledged. The same message again
 * records nothing; another content under the same message id is a conflict.
 */
export function recordLetter(
  command: RecordLetter,
  state: TransmissionState,
): (TransmissionLetterReceived | TransmissionReplyRequested)[] {
  const t = existing(state, command);
  acknowledgedActe(t, command);
  const { transmissionId, at, code, messageId, dateCourrierPref, text, documents } = command.data;
  const known = t.exchanges.find((e) => e.messageId === messageId);
  if (known !== undefined) {
    const same = sameValue(
      { code: known.code, dateCourrierPref: known.dateCourrierPref, text: known.text, documents: known.documents },
      { code, dateCourrierPref, text, documents },
    );
    if (same) return [];
    throw conflict(t, command, `message ${messageId} was recorded as exchange ${known.number} with other content`);
  }
  const exchange = t.exchanges.length + 1;
  const letter: TransmissionLetterReceived = {
    type: 'TransmissionLetterReceived',
    data: { transmissionId, at, exchange, code, messageId, dateCourrierPref, text, documents },
  };
  const receipt = letterRules[code].receipt;
  if (receipt === undefined) return [letter];
  return [
    letter,
    { type: 'TransmissionReplyRequested', data: { transmissionId, at, exchange, code: receipt, requestedBy: PLATFORM_ACTOR, documents: [] } },
  ];
}

/**
 * Answers a letter for the collectivité: the code must be one the letter takes (2-2 for a 2-1; 3-3 or
 * 3-4 for a 3-1; 4-3 or 4-4 for a 4-1; nothing for a 5-1), with its number of documents, and a letter is
 * answered once. Asking the same answer again records nothing.
 */
export function requestReply(command: RequestReply, state: TransmissionState): TransmissionReplyRequested[] {
  const t = existing(state, command);
  acknowledgedActe(t, command);
  const { transmissionId, at, exchange: number, code, requestedBy, documents } = command.data;
  const exchange = exchangeOf(t, number);
  const allowed = letterRules[exchange.code].replies;
  if (!allowed.includes(code)) {
    const expected = allowed.length === 0 ? 'it takes no answer' : `it takes ${allowed.join(' or ')}`;
    throw notAllowed(t, exchange, `${code} does not answer a ${exchange.code}; ${expected}`);
  }
  const { min, max } = replyDocuments[code];
  if (documents.length < min || documents.length > max) {
    const expected = max === min ? `${min}` : `at least ${min}`;
    throw invalidCommand(command, `a ${code} carries ${expected} document(s), not ${documents.length}`);
  }
  const answered = exchange.replies.find((reply) => allowed.includes(reply.code as (typeof allowed)[number]));
  if (answered !== undefined) {
    if (answered.code === code && sameValue(answered.documents, documents)) return [];
    throw notAllowed(t, exchange, `it was answered already (${answered.code} on ${answered.requestedAt})`);
  }
  if (t.status === 'cancelled') throw notAllowed(t, exchange, 'the acte was cancelled');
  return [{ type: 'TransmissionReplyRequested', data: { transmissionId, at, exchange: number, code, requestedBy, documents } }];
}

/**
 * Records that the préfecture's server took a message sent after the acte: a reply that was asked
 * (of its exchange), or the 6-1 of a requested cancellation. The same archive again records nothing;
 * another archive for a message already sent is a conflict (it would be a second message at the State).
 */
export function recordMessageSent(command: RecordMessageSent, state: TransmissionState): TransmissionMessageSent[] {
  const t = existing(state, command);
  const { transmissionId, at, code, exchange, fileName, sha256 } = command.data;
  let already: SentMessage | undefined;
  if (code === '6-1') {
    if (exchange !== undefined) throw invalidCommand(command, 'a 6-1 belongs to no exchange');
    if (t.cancellation === undefined) {
      throw new TransmissionError(
        TransmissionErrorCode.InvalidTransition,
        `RecordMessageSent 6-1 is not allowed: no cancellation of transmission ${t.id} was requested`,
      );
    }
    already = t.cancellation.sent;
  } else {
    if (exchange === undefined) throw invalidCommand(command, `a ${code} answers an exchange, and none was named`);
    const reply = exchangeOf(t, exchange).replies.find((r) => r.code === code);
    if (reply === undefined) {
      throw new TransmissionError(
        TransmissionErrorCode.InvalidTransition,
        `RecordMessageSent ${code} is not allowed: no ${code} was asked in exchange ${exchange} of transmission ${t.id}`,
      );
    }
    already = reply.sent;
  }
  if (already !== undefined) {
    if (already.fileName === fileName && already.sha256 === sha256) return [];
    throw conflict(t, command, `the ${code} was sent already as ${already.fileName}`);
  }
  const data = exchange === undefined ? { transmissionId, at, code, fileName, sha256 } : { transmissionId, at, code, exchange, fileName, sha256 };
  return [{ type: 'TransmissionMessageSent', data }];
}

/**
 * Records the préfecture's receipt of the collectivité's answer: a 3-5 after a 3-3/3-4 was sent, a 4-5
 * after a 4-3/4-4. Before the answer was sent it waits (invalid transition); the same receipt again
 * records nothing.
 */
export function recordReplyAcknowledgment(
  command: RecordReplyAcknowledgment,
  state: TransmissionState,
): TransmissionReplyAcknowledged[] {
  const t = existing(state, command);
  const { transmissionId, at, exchange: number, code, messageId, dateReception } = command.data;
  const exchange = exchangeOf(t, number);
  const rules = letterRules[exchange.code];
  if (rules.replyReceipt !== code) throw notAllowed(t, exchange, `a ${exchange.code} is not acknowledged by a ${code}`);
  if (exchange.replyReceipt !== undefined) {
    if (exchange.replyReceipt.messageId === messageId && exchange.replyReceipt.dateReception === dateReception) return [];
    throw conflict(t, command, `exchange ${number}'s answer was acknowledged already by ${exchange.replyReceipt.messageId}`);
  }
  const isAnswer = (c: ReplyCode): boolean => (rules.replies as readonly ReplyCode[]).includes(c);
  const answer = exchange.replies.find((reply) => isAnswer(reply.code));
  if (answer?.sent === undefined) {
    throw new TransmissionError(
      TransmissionErrorCode.InvalidTransition,
      `RecordReplyAcknowledgment is not allowed: exchange ${number} of transmission ${t.id} has no answer sent yet`,
    );
  }
  return [{ type: 'TransmissionReplyAcknowledged', data: { transmissionId, at, exchange: number, code, messageId, dateReception } }];
}
