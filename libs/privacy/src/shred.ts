import { decide, TransmissionError, TransmissionErrorCode, type PersonalField, type ShredPersonalData } from '@relais/domain';
import type { TransmissionCommands } from '@relais/service-kit';
import type { PersonalDataKeys, ShredRequest } from './personal-data-keys.js';

/** What shredding needs: the transmission commands over the log, and the key store. */
export interface ShredDependencies {
  readonly commands: TransmissionCommands;
  readonly keys: PersonalDataKeys;
}

/** What a shredding did. */
export interface ShredOutcome {
  readonly transmissionId: string;
  /** When the shredding was first asked: the PersonalDataShredded event's `at`. */
  readonly at: string;
  readonly fields: readonly PersonalField[];
  readonly reason: string;
  readonly requestedBy: string;
  /** False when an earlier request had recorded it already (this one changed nothing). */
  readonly recorded: boolean;
  /**
   * Whether the log itself no longer holds the fields readable: true when they were sealed. False for a
   * transmission stored before sealing began: its events keep them in clear for ever, and only the read
   * models and the API forget them.
   */
  readonly erasedFromLog: boolean;
}

/**
 * Shreds a transmission's personal data, in an order that survives a crash at any point and may be
 * run again: (1) the request is written in the key store, (2) PersonalDataShredded is appended to the
 * transmission's stream (its id derived from the transmission, so a repeat records nothing), (3) the
 * key is destroyed. The event store appends in its own transactions, so (2) and (3) cannot share one;
 * recording first means the log never lacks the purge of a destroyed key, and a crash before (3)
 * leaves a request `keys.unfinished()` lists for {@link finishUnfinishedShreds}. The first request's
 * time, reason and requester are the ones recorded, whoever asks again.
 * @throws TransmissionError `TRANSMISSION.NOT_FOUND`, `TRANSMISSION.INVALID_COMMAND` (a bad reason), before anything is written
 */
export async function shredPersonalData(deps: ShredDependencies, command: ShredPersonalData): Promise<ShredOutcome> {
  const { transmissionId } = command.data;
  const { state } = await deps.commands.load(transmissionId);
  if (state.status === 'none') {
    throw new TransmissionError(TransmissionErrorCode.NotFound, `Transmission ${transmissionId} does not exist`);
  }
  // Refuses a bad reason before the request is written; a transmission already shredded decides nothing.
  decide(command, state);
  const request = await deps.keys.requestShred(transmissionId, {
    at: new Date(command.data.at),
    reason: command.data.reason,
    requestedBy: command.data.requestedBy,
  });
  return recordAndDestroy(deps, request);
}

/**
 * Carries out the shreddings a crash interrupted (asked, maybe recorded, key not destroyed), up to
 * `limit`, oldest first; the retention schedule runs it before its own work.
 */
export async function finishUnfinishedShreds(deps: ShredDependencies, limit = 100): Promise<ShredOutcome[]> {
  const outcomes: ShredOutcome[] = [];
  for (const request of await deps.keys.unfinished(limit)) outcomes.push(await recordAndDestroy(deps, request));
  return outcomes;
}

async function recordAndDestroy(deps: ShredDependencies, request: ShredRequest): Promise<ShredOutcome> {
  const { subjectId: transmissionId, reason, requestedBy } = request;
  const { events, state } = await deps.commands.execute(
    { type: 'ShredPersonalData', data: { transmissionId, at: request.requestedAt.toISOString(), reason, requestedBy } },
    { actor: requestedBy, causationId: `personal-data-shredding:${transmissionId}` },
  );
  await deps.keys.destroy(transmissionId);
  const shredded = state.status === 'none' ? undefined : state.personalDataShredded;
  if (shredded === undefined) throw new Error(`transmission ${transmissionId} has no PersonalDataShredded after shredding`);
  return {
    transmissionId,
    at: shredded.at,
    fields: shredded.fields,
    reason: shredded.reason,
    requestedBy: shredded.requestedBy,
    recorded: events.length > 0,
    erasedFromLog: request.hadKey,
  };
}
