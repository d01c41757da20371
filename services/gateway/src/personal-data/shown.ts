import type { TransmissionEvent } from '@relais/domain';
import type { Queryable } from '@relais/event-store';
import { PersonalDataKeys, revealEvent, type ShownEvent } from '@relais/privacy';
import { hasSealedFields, revealView, type TransmissionView } from '@relais/read-models';

/*
 * What the API shows of the personal fields of views and events it folds or reads from the log itself
 * (the read model holds them open already): sealed values opened with the transmission's key, null
 * once it is shredded, plain ones (stored before sealing began) as they are.
 */

/** The view with its personal fields shown; one query, only when it holds a sealed value. */
export async function shownView(db: Queryable, view: TransmissionView): Promise<TransmissionView> {
  if (!hasSealedFields(view)) return view;
  return revealView(view, await new PersonalDataKeys(db).ring([view.id]));
}

/** One transmission's events with their personal fields shown; one query. */
export async function shownEvents(db: Queryable, transmissionId: string, events: readonly TransmissionEvent[]): Promise<ShownEvent[]> {
  const ring = await new PersonalDataKeys(db).ring([transmissionId]);
  return events.map((event) => revealEvent(event, ring));
}
