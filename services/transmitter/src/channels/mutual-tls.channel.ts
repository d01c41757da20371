import type { ChannelOutcome, ClientIdentity } from '@relais/state-channels';
import { postOverMutualTls } from '@relais/state-channels';
import type { MutualTlsSettings } from '@relais/routing';
import { outcomeOfResponse, type AttemptOutcome } from '../delivery/delivery.decision.js';
import type { OutboundChannel, OutboundFile } from './state-channel.js';

/** The client certificate and trusted CAs of an endpoint, loaded (and reloaded when their files change) by the caller. */
export interface LoadedTls {
  readonly identity: ClientIdentity;
  readonly ca?: Buffer;
  /** Basic authentication, its password read from its file. */
  readonly basicAuth?: { readonly username: string; readonly password: string };
}

/**
 * @ctes for real (DOMAIN.md §1.2): the archive POSTed to `<url>/<archive name>` over HTTPS with the
 * operator's client certificate, to a server whose certificate must match the pin, within the
 * connect and total timeouts of the settings. The body is streamed from the blob store.
 */
export class MutualTlsChannel implements OutboundChannel {
  readonly kind = 'https-mtls';

  constructor(
    private readonly url: string,
    private readonly settings: MutualTlsSettings,
    /** Loads the identity; rejects with a `ChannelError` (`CHANNEL.CLIENT_CERT_*`) when it cannot be used. */
    private readonly tls: () => Promise<LoadedTls>,
  ) {}

  async send(file: OutboundFile): Promise<AttemptOutcome> {
    let loaded: LoadedTls;
    try {
      loaded = await this.tls();
    } catch (error) {
      // Nothing can be sent with an unusable certificate, whatever the number of tries: an operator must act.
      return { kind: 'refused', reason: error instanceof Error ? error.message : String(error) };
    }
    const bytes = await file.open();
    const outcome = await postOverMutualTls({
      url: `${this.url.replace(/\/+$/, '')}/${encodeURIComponent(file.fileName)}`,
      body: bytes instanceof Uint8Array ? bytes : { stream: bytes, length: file.size },
      headers: { 'content-type': file.contentType },
      identity: loaded.identity,
      pinnedSha256: this.settings.serverPin,
      ...(loaded.ca === undefined ? {} : { ca: loaded.ca }),
      ...(loaded.basicAuth === undefined ? {} : { basicAuth: loaded.basicAuth }),
      connectTimeoutMs: this.settings.connectTimeoutMs,
      totalTimeoutMs: this.settings.timeoutMs,
    });
    return attemptOutcome(outcome);
  }
}

/** A channel outcome as the delivery sorts attempts: a 2xx still says what the State made of the file. */
export function attemptOutcome(outcome: ChannelOutcome): AttemptOutcome {
  switch (outcome.kind) {
    case 'taken':
      return outcomeOfResponse(outcome.status, outcome.body);
    case 'refused':
    case 'unavailable':
      return { kind: outcome.kind, reason: outcome.reason };
    default: {
      const unknown: never = outcome;
      throw new Error(`Unknown channel outcome ${JSON.stringify(unknown)}`);
    }
  }
}
