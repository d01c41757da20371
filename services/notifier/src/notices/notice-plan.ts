/**
 * Who is e-mailed about an event: the event as a notice sees it (the status it brought the
 * transmission to, the préfecture's message it records) and the named users whose choice it matches.
 * Pure.
 */
import { fromStored, prefectureMessageTypeOf, type PrefectureMessageType, type TransmissionKind, type TransmissionStatus } from '@relais/domain';
import type { StoredEvent } from '@relais/event-store';
import { evolveTransmissionView, type TransmissionView } from '@relais/read-models';

/** The roles of named users; a collectivité's user hears of its SIREN only, the others of every collectivité. */
export type NoticeRole = 'admin' | 'collectivite' | 'supervisor' | 'auditor';

/** An event worth a notice: it changed the transmission's status, or records a message of the préfecture, or both (the AR). */
export interface NoticeEvent {
  readonly eventId: string;
  readonly transmissionId: string;
  readonly siren: string;
  readonly kind: TransmissionKind;
  /** The numéro interne or the PES file name; never the objet, which may name a person. */
  readonly label: string;
  /** The status the event brought the transmission to; absent when it did not change it. */
  readonly status?: TransmissionStatus;
  readonly messageType?: PrefectureMessageType;
  /** When the fact happened (the event's `at`). */
  readonly at: string;
  /** When the log recorded it. */
  readonly recordedAt: Date;
}

/** A named user's choice, as the notifier reads it with the user. */
export interface NoticeSubscriber {
  readonly userId: string;
  readonly role: NoticeRole;
  /** A collectivité's user's SIREN. */
  readonly siren?: string;
  /** A group administrator's group members, whose transmissions they follow beside their own. */
  readonly groupSirens?: readonly string[];
  /** False once the user is disabled. */
  readonly active: boolean;
  readonly statuses: readonly string[];
  readonly messageTypes: readonly string[];
  /** When they first chose: what the log recorded before that is not e-mailed to them. */
  readonly since: Date;
}

/** A user to e-mail about an event. */
export interface NoticeRecipient {
  readonly userId: string;
  readonly role: NoticeRole;
}

/**
 * The last event of a transmission's history (its events in stream order, up to that one) as a
 * notice sees it; undefined when it neither changed the status nor records a préfecture message.
 */
export function noticeEventOf(history: readonly StoredEvent[]): NoticeEvent | undefined {
  let before: TransmissionView | undefined;
  let view: TransmissionView | undefined;
  let last: { readonly stored: StoredEvent; readonly event: ReturnType<typeof fromStored> } | undefined;
  for (const stored of history) {
    const event = fromStored(stored.type, stored.data);
    before = view;
    view = evolveTransmissionView(view, event, { recordedAt: stored.recordedAt, streamId: stored.streamId });
    last = { stored, event };
  }
  if (view === undefined || last === undefined) return undefined;
  const status = view.status === before?.status ? undefined : view.status;
  const messageType = prefectureMessageTypeOf(last.event);
  if (status === undefined && messageType === undefined) return undefined;
  return {
    eventId: last.stored.eventId,
    transmissionId: view.id,
    siren: view.siren,
    kind: view.kind,
    label: view.acte?.numeroInterne ?? view.pes?.nomFic ?? view.id,
    ...(status === undefined ? {} : { status }),
    ...(messageType === undefined ? {} : { messageType }),
    at: last.event.data.at,
    recordedAt: last.stored.recordedAt,
  };
}

/** Whether the subscriber may hear of the collectivité `siren`'s transmissions. */
function covers(subscriber: NoticeSubscriber, siren: string): boolean {
  return subscriber.role !== 'collectivite' || subscriber.siren === siren || (subscriber.groupSirens?.includes(siren) ?? false);
}

/** Whether the subscriber asked for what the event is: its new status or its préfecture message. */
function wants(subscriber: NoticeSubscriber, event: NoticeEvent): boolean {
  return (
    (event.status !== undefined && subscriber.statuses.includes(event.status)) ||
    (event.messageType !== undefined && subscriber.messageTypes.includes(event.messageType))
  );
}

/**
 * The users to e-mail about `event`, each once, by id: active, covering its collectivité, who had
 * chosen before it was recorded, and asked for its status or its message.
 */
export function noticeRecipients(event: NoticeEvent, subscribers: readonly NoticeSubscriber[]): NoticeRecipient[] {
  const chosen = new Map<string, NoticeRecipient>();
  for (const subscriber of subscribers) {
    if (!subscriber.active || !covers(subscriber, event.siren) || subscriber.since.getTime() > event.recordedAt.getTime() || !wants(subscriber, event)) continue;
    chosen.set(subscriber.userId, { userId: subscriber.userId, role: subscriber.role });
  }
  return [...chosen.values()].sort((a, b) => a.userId.localeCompare(b.userId));
}
