import * as wire from '@relais/contracts';
import type { TransmissionEvent } from './transmission.events.js';
import { failureCodeOf } from './transmission.values.js';

/*
 * Event versioning (docs/event-versioning.md). A stored event is never rewritten: its row is hashed and
 * sealed. When an event's shape must change, the new shape is a new versioned type (a message of the
 * next proto package, relais.transmission.v2.TransmissionFailed), writers switch to it, and an upcaster
 * here turns the old stored form into the new one when it is read, before it is decoded. Readers
 * (deciders, projections, consumers) then know one shape per event; auditors still read, hash and
 * export the rows exactly as they were written.
 */

/** Turns the stored data of type `from` into the stored data of type `to`. Pure, total on what `from` ever held. */
export interface Upcaster {
  readonly from: string;
  readonly to: string;
  upcast(data: wire.JsonObject): wire.JsonObject;
}

export const upcasters: readonly Upcaster[] = [
  {
    // v1 had only the free-text reason; v2 records the failure's stable code beside it.
    from: 'relais.transmission.v1.TransmissionFailed',
    to: wire.v2.TransmissionFailedSchema.typeName,
    upcast: (data) => ({ ...data, code: failureCodeOf(typeof data['reason'] === 'string' ? data['reason'] : '') }),
  },
];

const byType = new Map(upcasters.map((u) => [u.from, u]));

/** The stored event in its latest shape: every upcaster applied, in turn, from its stored type. */
export function upcast(type: string, data: unknown): { readonly type: string; readonly data: unknown } {
  let current = { type, data };
  for (let step = byType.get(current.type); step !== undefined; step = byType.get(current.type)) {
    const object = typeof current.data === 'object' && current.data !== null && !Array.isArray(current.data) ? (current.data as wire.JsonObject) : {};
    current = { type: step.to, data: step.upcast(object) };
  }
  return current;
}

/** Domain events whose latest stored type is not in relais.transmission.v1. */
const latest: Partial<Record<TransmissionEvent['type'], string>> = {
  TransmissionFailed: wire.v2.TransmissionFailedSchema.typeName,
};

/** The stored type writers use now for a domain event type (`TransmissionFailed` → `relais.transmission.v2.TransmissionFailed`). */
export function storedTypeOf(type: TransmissionEvent['type']): string {
  return latest[type] ?? `relais.transmission.v1.${type}`;
}
