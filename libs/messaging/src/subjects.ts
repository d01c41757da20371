import { InvalidNameError } from './errors.js';

/** The one version token of every subject this library defines; a breaking wire change gets `v2` beside it. */
export const SUBJECT_VERSION = 'v1';

/** The namespace used when `RELAIS_NAMESPACE` is not set. */
export const DEFAULT_NAMESPACE = 'relais';

/** Logical stream names; the server-side name is `<namespace>_<NAME>` (stream names cannot contain dots). */
export const StreamNames = {
  /** Every domain event relayed from the PostgreSQL log: `<ns>.v1.evt.>`. */
  EVENTS: 'EVENTS',
  /** Dead letters of every consumer: `<ns>.v1.dlq.>`. */
  DLQ: 'DLQ',
} as const;
/** One of {@link StreamNames}. */
export type StreamName = (typeof StreamNames)[keyof typeof StreamNames];

/** A subject written relative to the namespace, resolved at run time (decorators are evaluated before config is read). */
export type SubjectPattern = (namespace: string) => string;

// A namespace becomes a stream-name prefix and a subject token: no dots, wildcards, spaces or path separators.
const NAME = /^[A-Za-z0-9_-]+$/;
// A subject token built from data (a category, an event type): anything else becomes '_'.
const UNSAFE_TOKEN_CHARS = /[^A-Za-z0-9_-]/g;

/** Checks a namespace or a consumer name, which end up inside stream, consumer and subject names. */
export function assertName(kind: string, value: string): string {
  if (!NAME.test(value)) throw new InvalidNameError(kind, value);
  return value;
}

/** The namespace from `RELAIS_NAMESPACE` (or the given environment), else {@link DEFAULT_NAMESPACE}. */
export function namespaceFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return assertName('namespace', env['RELAIS_NAMESPACE'] ?? DEFAULT_NAMESPACE);
}

/** Turns free text (an event type, a stream category) into one safe subject token. */
export function subjectToken(value: string): string {
  const token = value.replace(UNSAFE_TOKEN_CHARS, '_');
  return token === '' ? '_' : token;
}

/**
 * Every name this library puts on the server, for one namespace. The only place subjects and stream
 * names are spelled out: call sites use these builders, never string literals.
 */
export class MessagingNames {
  constructor(readonly namespace: string) {
    assertName('namespace', namespace);
  }

  /** `<ns>_<NAME>`. */
  stream(name: StreamName): string {
    return `${this.namespace}_${name}`;
  }

  /** The durable name of a consumer: `<ns>_<consumer>`. */
  durable(consumer: string): string {
    return `${this.namespace}_${assertName('consumer', consumer)}`;
  }

  /** `<ns>.v1.evt.<category>.<type>`: where the relay publishes an event. */
  event(category: string, type: string): string {
    return `${this.eventsPrefix()}.${subjectToken(category)}.${subjectToken(type)}`;
  }

  /** `<ns>.v1.evt.<category>.*`: every event type of one category. */
  eventsOf(category: string): string {
    return `${this.eventsPrefix()}.${subjectToken(category)}.*`;
  }

  /** `<ns>.v1.evt.>`: the subjects of the EVENTS stream. */
  allEvents(): string {
    return `${this.eventsPrefix()}.>`;
  }

  /** `<ns>.v1.dlq.<consumer>`: where a consumer's dead letters go. */
  deadLetter(consumer: string): string {
    return `${this.dlqPrefix()}.${assertName('consumer', consumer)}`;
  }

  /** `<ns>.v1.dlq.>`: the subjects of the DLQ stream. */
  allDeadLetters(): string {
    return `${this.dlqPrefix()}.>`;
  }

  /**
   * `<ns>.v1.rpc.<service>.<method>`: request/reply subjects. Kept out of every stream's subjects: a
   * stream listening on a request subject would answer the request with its PubAck.
   */
  rpc(service: string, method: string): string {
    return `${this.namespace}.${SUBJECT_VERSION}.rpc.${subjectToken(service)}.${subjectToken(method)}`;
  }

  private eventsPrefix(): string {
    return `${this.namespace}.${SUBJECT_VERSION}.evt`;
  }

  private dlqPrefix(): string {
    return `${this.namespace}.${SUBJECT_VERSION}.dlq`;
  }
}

/** A filter on the EVENTS stream: one category (and optionally one type), or every event. */
export function eventPattern(category?: string, type?: string): SubjectPattern {
  return (namespace) => {
    const names = new MessagingNames(namespace);
    if (category === undefined) return names.allEvents();
    return type === undefined ? names.eventsOf(category) : names.event(category, type);
  };
}
