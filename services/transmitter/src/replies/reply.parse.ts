import { ID_ACTE_REGEX } from '@relais/actes';
import { attribute, child, parseLatin1Root, ReplyFormatError, text, type XmlNode } from './reply.xml.js';

/** A file of a reply, as the mailbox hands it over. */
export interface ReplyFile {
  readonly name: string;
  readonly content: Uint8Array;
}

/** What a reply says about which acte it concerns. */
interface ActeRef {
  /** The business file that carried the answer (`…-1-2_0.xml`). */
  readonly messageName: string;
  readonly idActe: string;
  readonly siren: string;
  readonly numeroInterne: string;
}

/** The préfecture's answer to a 1-1 transmission, read. */
export type ActeReply =
  /** 1-2: acknowledged under `idActe`, received on `dateReception` (`YYYY-MM-DD`). */
  | (ActeRef & { readonly kind: 'ARActe'; readonly dateReception: string })
  /** 1-3: refused; `nature` is the anomaly's three-digit code. */
  | (ActeRef & { readonly kind: 'AnomalieActe'; readonly date: string; readonly nature: string; readonly detail: string });

/** 6-2: the préfecture acknowledges the 6-1 Annulation of the acte `idActe`. */
export interface CancellationReply {
  readonly kind: 'ARAnnulation';
  /** The business file that carried it (`…-6-2_0.xml`). */
  readonly messageName: string;
  readonly idActe: string;
  readonly siren: string;
  /** Day the 6-1 was received, `YYYY-MM-DD`. */
  readonly dateReception: string;
}

/** A reply read: an answer to an acte, to its annulation, or another message the transmitter does not handle (yet). */
export type ParsedReply = ActeReply | CancellationReply | { readonly kind: 'other'; readonly root: string; readonly messageName: string };

const ID_ACTE = ID_ACTE_REGEX.source.slice(1, -1);
/** A business file of the ministry: `IDActe-T-S_n.xml`. */
const MESSAGE_FILE = new RegExp(`^(${ID_ACTE})-([1-7])-([1-5])_[0-9]+\\.xml$`);
const ENVELOPE_FILE = /^(?:ANO_)?EACT--.*\.xml$/;
const ISO_DATE = /^[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$/;

/**
 * Reads a ministry → collectivité reply (its envelope `EnveloppeMISILLCL` and one business message,
 * ISO-8859-1): a 1-2 `ARActe` gives the IDActe and the day of reception, a 1-3 `AnomalieActe` the
 * anomaly's code and detail. Either way the acte is named by its SIREN and numéro interne (the echo
 * `ActeRecu`) and its IDActe. Any other message is `other`. @throws ReplyFormatError when the reply is
 * not what @ctes sends.
 */
export function parseReply(files: readonly ReplyFile[]): ParsedReply {
  const messages = files.filter((file) => !ENVELOPE_FILE.test(file.name));
  const [message] = messages;
  if (message === undefined || messages.length > 1) {
    throw new ReplyFormatError(`expected one business message besides the envelope, found ${messages.length}`);
  }
  const { name: root, node } = parseLatin1Root(message.name, message.content);
  if (root === 'ARAnnulation') return cancellationReply(files, message.name, node);
  if (root !== 'ARActe' && root !== 'AnomalieActe') return { kind: 'other', root, messageName: message.name };

  const fromName = MESSAGE_FILE.exec(message.name);
  const idActe = (root === 'ARActe' ? attribute(node, 'IDActe') : undefined) ?? fromName?.[1];
  if (idActe === undefined || !ID_ACTE_REGEX.test(idActe)) {
    throw new ReplyFormatError(`${message.name}: no IDActe (DPT-SIREN-YYYYMMDD-NUMERO-NAT) in the message or its name`);
  }
  const [, siren = '', , numeroFromId = ''] = idActe.split('-');
  const envelopeSiren = envelopeDestinataire(files);
  if (envelopeSiren !== undefined && envelopeSiren !== siren) {
    throw new ReplyFormatError(`${message.name}: the envelope is for SIREN ${envelopeSiren}, the message for ${siren}`);
  }
  const numeroInterne = attribute(child(node, 'ActeRecu'), 'NumeroInterne') ?? numeroFromId;
  const ref: ActeRef = { messageName: message.name, idActe, siren, numeroInterne };

  if (root === 'ARActe') {
    const dateReception = required(message.name, 'DateReception', attribute(node, 'DateReception'));
    if (!ISO_DATE.test(dateReception)) throw new ReplyFormatError(`${message.name}: DateReception ${dateReception} is not a date`);
    return { ...ref, kind: 'ARActe', dateReception };
  }
  const nature = required(message.name, 'Nature', text(child(node, 'Nature')));
  if (!/^[0-9]{3}$/.test(nature)) throw new ReplyFormatError(`${message.name}: Nature ${nature} is not three digits`);
  return {
    ...ref,
    kind: 'AnomalieActe',
    date: required(message.name, 'Date', text(child(node, 'Date'))),
    nature,
    detail: text(child(node, 'Detail')) ?? '',
  };
}

/** A 6-2 `ARAnnulation`: the IDActe (attribute, else the file name) and the day of reception, both required. */
function cancellationReply(files: readonly ReplyFile[], messageName: string, node: XmlNode): CancellationReply {
  const idActe = attribute(node, 'IDActe') ?? MESSAGE_FILE.exec(messageName)?.[1];
  if (idActe === undefined || !ID_ACTE_REGEX.test(idActe)) {
    throw new ReplyFormatError(`${messageName}: no IDActe (DPT-SIREN-YYYYMMDD-NUMERO-NAT) in the message or its name`);
  }
  const siren = idActe.split('-')[1] ?? '';
  const envelopeSiren = envelopeDestinataire(files);
  if (envelopeSiren !== undefined && envelopeSiren !== siren) {
    throw new ReplyFormatError(`${messageName}: the envelope is for SIREN ${envelopeSiren}, the message for ${siren}`);
  }
  const dateReception = required(messageName, 'DateReception', attribute(node, 'DateReception'));
  if (!ISO_DATE.test(dateReception)) throw new ReplyFormatError(`${messageName}: DateReception ${dateReception} is not a date`);
  return { kind: 'ARAnnulation', messageName, idActe, siren, dateReception };
}

/** The SIREN the envelope is addressed to (`Destinataire@insee:SIREN`), when there is an envelope. */
function envelopeDestinataire(files: readonly ReplyFile[]): string | undefined {
  const envelope = files.find((file) => ENVELOPE_FILE.test(file.name));
  if (envelope === undefined) return undefined;
  const { name, node } = parseLatin1Root(envelope.name, envelope.content);
  if (name !== 'EnveloppeMISILLCL') return undefined;
  return attribute(child(node, 'Destinataire'), 'SIREN');
}

function required(fileName: string, what: string, value: string | undefined): string {
  if (value === undefined || value === '') throw new ReplyFormatError(`${fileName}: ${what} is missing`);
  return value;
}
