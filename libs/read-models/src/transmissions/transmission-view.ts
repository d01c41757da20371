import {
  PersonalField,
  type ActeNature,
  type ErrorDetail,
  type FileRef,
  type LetterCode,
  type OutboundMessageCode,
  type ReplyReceiptCode,
  type PesOutcome,
  type TransmissionEvent,
  type TransmissionKind,
  type TransmissionStatus,
} from '@relais/domain';
import { isSealed, type KeyRing } from '@relais/privacy';

/** The State's acknowledgment as the API shows it: when it was recorded, and what it said. */
export type AcknowledgmentView =
  | { readonly at: string; readonly idActe: string; readonly dateReception: string }
  | { readonly at: string; readonly outcomes: readonly PesOutcome[] };

/** A letter of the préfecture about the acte (2-1, 3-1, 4-1, 5-1) and what followed it. */
export interface ExchangeView {
  /** From 1; the collectivité answers `POST /api/v1/actes/{id}/exchanges/{number}/replies`. */
  readonly number: number;
  readonly code: LetterCode;
  readonly receivedAt: string;
  readonly dateCourrierPref: string;
  /** Personal data: null once the transmission's personal data were shredded. */
  readonly text: string | null;
  /** The préfecture's documents, downloadable at `GET /api/v1/transmissions/{id}/files/{sha256}`. */
  readonly documents: readonly FileRef[];
  /** The automatic receipt (3-2, 4-2) and the collectivité's answer, with when each was sent. */
  readonly replies: readonly { readonly code: OutboundMessageCode; readonly requestedAt: string; readonly sentAt?: string; readonly documents: readonly FileRef[] }[];
  /** The préfecture's receipt of the answer (3-5, 4-5). */
  readonly replyReceipt?: { readonly code: ReplyReceiptCode; readonly at: string; readonly dateReception: string };
}

/** A transmission exactly in the shape of `GET /api/v1/transmissions/{id}` (API.md, "Following"). */
export interface TransmissionView {
  readonly id: string;
  readonly kind: TransmissionKind;
  readonly siren: string;
  readonly status: TransmissionStatus;
  /** ISO 8601 UTC: when the first event was recorded. */
  readonly createdAt: string;
  /** ISO 8601 UTC: when the last event was recorded. */
  readonly updatedAt: string;
  /** Why the transmission stands where it is: validation errors, the State's refusal, the given-up delivery. */
  readonly errors: readonly ErrorDetail[];
  readonly acte?: {
    readonly numeroInterne: string;
    readonly nature: ActeNature;
    readonly classification: string;
    /** Personal data: null once the transmission's personal data were shredded. */
    readonly objet: string | null;
    readonly idActe?: string;
    /** The préfecture's letters after the AR, in order; absent until the first. */
    readonly exchanges?: readonly ExchangeView[];
  };
  readonly pes?: {
    readonly nomFic: string;
    readonly codCol: string;
    readonly idPost: string;
    readonly outcomes?: readonly PesOutcome[];
  };
  readonly acknowledgment?: AcknowledgmentView;
  /** True once the transmission's personal data were shredded (its objet and letters' text are null); absent before. */
  readonly personalDataShredded?: true;
}

/** What the log says about an event besides its payload. */
export interface EventMeta {
  readonly recordedAt: Date;
  readonly streamId: string;
}

/** The error shown for a delivery given up after its retries. */
export const DELIVERY_FAILED = 'DELIVERY.FAILED';

/**
 * Folds one event into a transmission's view. Pure. Like the domain's `evolve`, it never throws: an
 * event before TransmissionReceived leaves no view, a second TransmissionReceived changes nothing.
 */
export function evolveTransmissionView(
  view: TransmissionView | undefined,
  event: TransmissionEvent,
  meta: EventMeta,
): TransmissionView | undefined {
  const at = meta.recordedAt.toISOString();
  if (event.type === 'TransmissionReceived') {
    if (view !== undefined) return view;
    const { transmissionId: id, siren, submission: s } = event.data;
    const base = { id, kind: s.kind, siren, status: 'received' as const, createdAt: at, updatedAt: at, errors: [] };
    return s.kind === 'acte'
      ? { ...base, acte: { numeroInterne: s.numeroInterne, nature: s.nature, classification: s.classification, objet: s.objet } }
      : { ...base, pes: { nomFic: s.nomFic, codCol: s.codCol, idPost: s.idPost } };
  }
  if (view === undefined) return undefined;
  return { ...evolveExisting(view, event, at), updatedAt: at };
}

function evolveExisting(
  v: TransmissionView,
  event: Exclude<TransmissionEvent, { type: 'TransmissionReceived' }>,
  at: string,
): TransmissionView {
  switch (event.type) {
    case 'TransmissionValidated':
      return { ...v, status: 'validated', errors: [] };
    case 'TransmissionRejected':
      return { ...v, status: 'rejected', errors: event.data.errors };
    case 'TransmissionRouted':
    case 'TransmissionDeliveryAttemptFailed':
      return { ...v, status: 'routed' };
    case 'TransmissionPackaged':
    // A wait for the endpoint's transmission window: still routed; the wait shows in the history.
    case 'TransmissionDeliveryDeferred':
      return v;
    case 'TransmissionSent':
      return { ...v, status: 'sent' };
    case 'TransmissionFailed':
      return { ...v, status: 'failed', errors: [{ code: DELIVERY_FAILED, message: event.data.reason }] };
    case 'TransmissionRetryRequested':
      return { ...v, status: 'routed', errors: [] };
    case 'TransmissionAcknowledged': {
      const a = event.data.acknowledgment;
      if (a.kind === 'acte') {
        const acknowledgment = { at, idActe: a.idActe, dateReception: a.dateReception };
        const acte = v.acte === undefined ? undefined : { ...v.acte, idActe: a.idActe };
        return { ...v, status: 'acknowledged', errors: [], ...(acte && { acte }), acknowledgment };
      }
      const pes = v.pes === undefined ? undefined : { ...v.pes, outcomes: a.outcomes };
      return { ...v, status: 'acknowledged', errors: [], ...(pes && { pes }), acknowledgment: { at, outcomes: a.outcomes } };
    }
    case 'TransmissionNacked': {
      const { source, reasonCode, detail, outcomes } = event.data;
      const pes = v.pes === undefined || outcomes === undefined ? undefined : { ...v.pes, outcomes };
      return { ...v, status: 'nacked', errors: [{ code: `${source.toUpperCase()}.${reasonCode}`, message: detail }], ...(pes && { pes }) };
    }
    case 'TransmissionPartiallyAccepted': {
      const pes = v.pes === undefined ? undefined : { ...v.pes, outcomes: event.data.outcomes };
      return { ...v, status: 'partially_accepted', ...(pes && { pes }) };
    }
    case 'TransmissionCancellationRequested':
      return v;
    case 'TransmissionCancelled':
      return { ...v, status: 'cancelled' };
    case 'TransmissionLetterReceived': {
      if (v.acte === undefined) return v;
      const { exchange: number, code, at: receivedAt, dateCourrierPref, text, documents } = event.data;
      const exchange: ExchangeView = { number, code, receivedAt, dateCourrierPref, text, documents, replies: [] };
      return { ...v, acte: { ...v.acte, exchanges: [...(v.acte.exchanges ?? []), exchange] } };
    }
    case 'TransmissionReplyRequested': {
      const { code, at: requestedAt, documents } = event.data;
      return withExchange(v, event.data.exchange, (e) => ({ ...e, replies: [...e.replies, { code, requestedAt, documents }] }));
    }
    case 'TransmissionMessageSent': {
      const { exchange, code, at } = event.data;
      if (exchange === undefined) return v;
      return withExchange(v, exchange, (e) => ({
        ...e,
        replies: e.replies.map((reply) => (reply.code === code && reply.sentAt === undefined ? { ...reply, sentAt: at } : reply)),
      }));
    }
    case 'TransmissionReplyAcknowledged': {
      const { exchange, code, at, dateReception } = event.data;
      return withExchange(v, exchange, (e) => ({ ...e, replyReceipt: { code, at, dateReception } }));
    }
    case 'PersonalDataShredded':
      return forgetPersonalData(v);
    default:
      return assertNever(event);
  }
}

/** The view without its personal data: what a read model keeps once they are shredded. */
function forgetPersonalData(v: TransmissionView): TransmissionView {
  if (v.acte === undefined) return { ...v, personalDataShredded: true };
  const { exchanges } = v.acte;
  const forgotten = exchanges === undefined ? {} : { exchanges: exchanges.map((e) => ({ ...e, text: e.text === '' ? '' : null })) };
  return { ...v, acte: { ...v.acte, objet: null, ...forgotten }, personalDataShredded: true };
}

/**
 * The view with its personal fields as they may be shown: sealed values opened with the ring, null
 * when they cannot be any more (shredded); plain values (stored before sealing began, or already
 * opened) as they are. The projector stores what this gives, so a view rebuilt after a shredding
 * never holds the plaintext again. Pure given the ring.
 * @throws PrivacyError `PRIVACY.SEALED_FIELD_UNREADABLE` for a sealed value that does not open
 */
export function revealView(view: TransmissionView, ring: KeyRing): TransmissionView {
  if (view.acte === undefined) return view;
  const { acte, id } = view;
  const open = (field: PersonalField, text: string | null): string | null => (text === null ? null : ring.reveal(id, field, text));
  const exchanges = acte.exchanges?.map((e) => ({ ...e, text: open(PersonalField.LetterText, e.text) }));
  return { ...view, acte: { ...acte, objet: open(PersonalField.Objet, acte.objet), ...(exchanges === undefined ? {} : { exchanges }) } };
}

/** Whether the view holds a sealed value still to open. */
export function hasSealedFields(view: TransmissionView): boolean {
  const sealed = (text: string | null): boolean => text !== null && isSealed(text);
  return view.acte !== undefined && (sealed(view.acte.objet) || (view.acte.exchanges ?? []).some((e) => sealed(e.text)));
}

function withExchange(v: TransmissionView, number: number, change: (exchange: ExchangeView) => ExchangeView): TransmissionView {
  if (v.acte?.exchanges === undefined) return v;
  return { ...v, acte: { ...v.acte, exchanges: v.acte.exchanges.map((e) => (e.number === number ? change(e) : e)) } };
}

function assertNever(value: never): never {
  throw new Error(`Unexpected event: ${JSON.stringify(value)}`);
}
