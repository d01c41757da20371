import { simpleParser, type ParsedMail } from 'mailparser';
import { messageOf } from '../errors.js';

/** A file attached to a mail, decoded from its transfer encoding. */
export interface MailAttachment {
  /**
   * The file name as the sender wrote it, decoded (RFC 2231 or RFC 2047, any charset); `''` when the
   * part names none. Untrusted: never use it as a path.
   */
  readonly name: string;
  /** The declared MIME type; for `application/octet-stream`, mailparser's guess from the name. */
  readonly contentType: string;
  readonly content: Buffer;
}

/** One message of the inbox, as {@link ImapMailbox.pending} yields it. */
export interface InboundMail {
  /** The message's UID in the inbox, valid while {@link uidValidity} stays the same. */
  readonly uid: number;
  /** The inbox's UIDVALIDITY when the message was read. */
  readonly uidValidity: number;
  /** Size of the raw message in bytes, as the server counts it. */
  readonly size: number;
  /** The `Message-ID` header, angle brackets included. */
  readonly messageId: string | undefined;
  readonly subject: string;
  /** The first address of the `From` header. */
  readonly from: string | undefined;
  /** The `Date` header. */
  readonly date: Date | undefined;
  readonly attachments: readonly MailAttachment[];
  /**
   * Why the message cannot be taken as it is (it does not parse, has no attachment, no sender, is too
   * large to read): the caller sets it aside for an operator. Absent when nothing is wrong.
   */
  readonly problem?: string;
}

/** Where a message sits in the inbox, as the listing gave it. */
export interface MailPlace {
  readonly uid: number;
  readonly uidValidity: number;
  readonly size: number;
}

const PARSER_OPTIONS = { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true, skipTextLinks: true, keepCidLinks: true, checksumAlgo: false } as const;

/**
 * Parses a raw message into an {@link InboundMail}. Never throws: a message that does not parse
 * comes back with its `problem`, so that it is set aside rather than skipped.
 */
export async function readInboundMail(place: MailPlace, source: Buffer): Promise<InboundMail> {
  let parsed: ParsedMail;
  try {
    parsed = await simpleParser(source, PARSER_OPTIONS);
  } catch (error) {
    return unreadMail(place, `the message does not parse as MIME (${messageOf(error)})`);
  }
  return inboundMailOf(place, parsed, []);
}

/**
 * An {@link InboundMail} for a message over the size the poller reads: its headers only (from
 * `headerBytes`), no attachment, and the reason as its `problem`.
 */
export async function readOversizedMail(place: MailPlace, headerBytes: Buffer, maxBytes: number): Promise<InboundMail> {
  const reason = `the message has ${place.size} bytes, over the ${maxBytes} read from the mailbox`;
  let parsed: ParsedMail;
  try {
    parsed = await simpleParser(Buffer.concat([headerBytes, Buffer.from('\r\n')]), PARSER_OPTIONS);
  } catch {
    return unreadMail(place, reason);
  }
  return { ...inboundMailOf(place, parsed, [reason]), attachments: [] };
}

/** Maps mailparser's result, adding what makes the message unusable to `problems`. */
export function inboundMailOf(place: MailPlace, parsed: ParsedMail, problems: readonly string[]): InboundMail {
  const from = parsed.from?.value.find((address) => address.address !== undefined && address.address !== '')?.address;
  const attachments = parsed.attachments.map((attachment) => ({ name: attachment.filename ?? '', contentType: attachment.contentType, content: attachment.content }));
  const found = [
    ...problems,
    ...(from === undefined ? ['no sender address (From)'] : []),
    ...(problems.length === 0 && attachments.length === 0 ? ['no attachment'] : []),
  ];
  const date = parsed.date !== undefined && !Number.isNaN(parsed.date.getTime()) ? parsed.date : undefined;
  return {
    ...place,
    messageId: parsed.messageId,
    subject: parsed.subject ?? '',
    from,
    date,
    attachments,
    ...(found.length === 0 ? {} : { problem: found.join('; ') }),
  };
}

function unreadMail(place: MailPlace, problem: string): InboundMail {
  return { ...place, messageId: undefined, subject: '', from: undefined, date: undefined, attachments: [], problem };
}

/**
 * The IMAP keyword that records why a message was set aside, for an operator's mail client: `Relais-`
 * and the reason reduced to keyword characters (a short stable code such as `INBOUND.NO_MATCH` reads
 * best; servers keep only a few dozen distinct keywords per mailbox).
 */
export function reasonKeyword(reason: string): string {
  const atom = reason.trim().replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 60);
  return `Relais-${atom === '' ? 'set-aside' : atom}`;
}
