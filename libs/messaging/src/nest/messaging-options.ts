import type { MessagingLogger } from '../logger.js';
import type { StreamLimits } from '../streams.js';

/** Options of `MessagingModule.forRoot`. */
export interface MessagingModuleOptions {
  readonly natsUrl: string | readonly string[];
  /** Prefix of every stream, consumer and subject (default: `RELAIS_NAMESPACE`, else `relais`). */
  readonly namespace?: string;
  /** Connection name shown by the server (monitoring). */
  readonly connectionName?: string;
  /** Declare the EVENTS and DLQ streams at bootstrap, before starting handlers (default true). */
  readonly ensureStreams?: boolean;
  readonly streamLimits?: { readonly events?: StreamLimits; readonly dlq?: StreamLimits };
  /** Default: Nest's `Logger` under the context `Messaging`. */
  readonly logger?: MessagingLogger;
}
