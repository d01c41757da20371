import {
  CLASSIFICATION_EVENT_TYPES,
  classificationFromStored,
  classificationToStored,
  decideClassification,
  evolveClassification,
  initialClassificationState,
  type ClassificationCommand,
  type ClassificationEvent,
  type ClassificationState,
} from '@relais/domain';
import { WrongExpectedVersionError, type PostgresEventStore } from '@relais/event-store';
import { DecodeError, eventPattern, type EventEnvelope, type SubjectPattern } from '@relais/messaging';
import { COLLECTIVITE_CATEGORY, COLLECTIVITE_REGISTERED, collectiviteStreamId } from './collectivites.js';
import { eventToAppend, type ExecuteOptions } from './transmission-commands.js';

/** A command about a SIREN that was never registered. */
export class CollectiviteNotFoundError extends Error {
  readonly code = 'COLLECTIVITE.NOT_FOUND';
  constructor(readonly siren: string) {
    super(`No collectivité is registered with SIREN ${siren}`);
    this.name = 'CollectiviteNotFoundError';
  }
}

/** A collectivité's classification facts as loaded from its stream. */
export interface LoadedClassification {
  readonly registered: boolean;
  readonly state: ClassificationState;
  readonly events: readonly ClassificationEvent[];
  /** The collectivité stream's version (its registration included): -1 when it does not exist. */
  readonly version: bigint;
}

/** The subject filter of one classification event type (`ClassificationRequested`…), or of all of a collectivité's events. */
export function collectiviteEvents(type?: ClassificationEvent['type']): SubjectPattern {
  return eventPattern(COLLECTIVITE_CATEGORY, type === undefined ? undefined : `relais.collectivite.v1.${type}`);
}

/** A relayed envelope as a classification event; anything else is a {@link DecodeError}. */
export function decodeClassificationEvent(envelope: EventEnvelope): ClassificationEvent {
  try {
    return classificationFromStored(envelope.type, envelope.data);
  } catch (error) {
    throw new DecodeError(`Not a classification event: ${envelope.type}`, { cause: error });
  }
}

/**
 * Executes classification commands in a collectivité's stream, like {@link TransmissionCommands}:
 * load, fold, decide, append under the version read, decide again after a concurrent writer.
 */
export class ClassificationCommands {
  constructor(
    private readonly store: PostgresEventStore,
    private readonly maxConflictRetries = 8,
  ) {}

  async load(siren: string): Promise<LoadedClassification> {
    const stored = await this.store.readStream(collectiviteStreamId(siren));
    const events = stored.filter((event) => CLASSIFICATION_EVENT_TYPES.has(event.type)).map((event) => classificationFromStored(event.type, event.data));
    return {
      registered: stored.some((event) => event.type === COLLECTIVITE_REGISTERED),
      state: events.reduce(evolveClassification, initialClassificationState()),
      events,
      version: stored.at(-1)?.streamVersion ?? -1n,
    };
  }

  /** @throws CollectiviteNotFoundError for an unregistered SIREN; ClassificationError when the domain refuses. */
  async execute(command: ClassificationCommand, options: ExecuteOptions = {}): Promise<{ events: readonly ClassificationEvent[]; state: ClassificationState }> {
    const { siren } = command.data;
    for (let attempt = 0; ; attempt += 1) {
      const { registered, state, version } = await this.load(siren);
      if (!registered) throw new CollectiviteNotFoundError(siren);
      const events = decideClassification(command, state);
      if (events.length === 0) return { events, state };
      const toAppend = events.map((event, index) => eventToAppend(classificationToStored(event), index, command.type, version, options));
      try {
        await this.store.append(collectiviteStreamId(siren), version, toAppend);
      } catch (error) {
        if (error instanceof WrongExpectedVersionError && attempt < this.maxConflictRetries) continue;
        throw error;
      }
      return { events, state: events.reduce(evolveClassification, state) };
    }
  }
}
