import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import type { Endpoint, MutualTlsSettings } from '@relais/routing';
import { certificateValidity, loadClientIdentity, readSecretFile, SftpDrop, type CertificateValidity, type ImapMailbox } from '@relais/state-channels';
import type { TransmitterConfig } from '../config.js';
import { TRANSMITTER_CONFIG } from '../tokens.js';
import { ImapMailboxSource, openImapMailbox } from './imap.source.js';
import { KeptConnections } from './kept-connections.js';
import { MutualTlsChannel, type LoadedTls } from './mutual-tls.channel.js';
import { dropSettings, SftpChannel, SftpReturnsSource } from './sftp.channel.js';
import { SimHttpChannel, simMailboxSource, simReturnsSource } from './sim-http.channel.js';
import type { MailboxSource, OutboundChannel, ReturnsSource } from './state-channel.js';

/** Where an endpoint's client certificate stands, for `/health` and the dashboard. */
export interface CertificateReport {
  readonly endpointId: string;
  readonly subject?: string;
  /** `valid`, `expiring`, `expired`, `not_yet_valid`, or `unusable` when it cannot be loaded at all. */
  readonly status: CertificateValidity['status'] | 'unusable';
  readonly notAfter?: string;
  readonly daysLeft?: number;
  /** Why it cannot be used (`CHANNEL.CLIENT_CERT_*: …`). */
  readonly problem?: string;
}

/**
 * The channel of each endpoint, as the routing table says (issue 6): the simulator over plain HTTP,
 * @ctes over mutual TLS with its IMAP mailbox, Hélios over SFTP. Client certificates are loaded once
 * and loaded again when one of their files changes, so that a renewal needs no restart; likewise the
 * IMAP session and the SSH connection of each endpoint are kept between polls and deposits (a poll
 * every few hundred milliseconds must not cost a handshake, a login and a server process each time).
 */
@Injectable()
export class StateChannels implements OnApplicationShutdown {
  private readonly tls = new KeptConnections<LoadedTls>();
  private readonly imapSessions = new KeptConnections<ImapMailbox>((mailbox) => mailbox.close());
  private readonly drops = new KeptConnections<SftpDrop>((drop) => drop.close());

  constructor(@Inject(TRANSMITTER_CONFIG) private readonly config: TransmitterConfig) {}

  /** The channel files go to `endpoint` by. */
  outbound(endpoint: Endpoint): OutboundChannel {
    const { transport } = endpoint;
    switch (transport.kind) {
      case 'sim-http':
        return new SimHttpChannel(endpoint.url, this.config.deliveryTimeoutMs);
      case 'https-mtls':
        return new MutualTlsChannel(endpoint.url, transport.tls, () => this.loadTls(endpoint.id, transport.tls));
      case 'sftp':
        return new SftpChannel(() => this.drop(endpoint.id, transport));
      default: {
        const unknown: never = transport;
        throw new Error(`Unknown transport ${JSON.stringify(unknown)}`);
      }
    }
  }

  /** Where the préfecture's messages for `endpoint` (an @ctes one) are read; one source per round. */
  mailbox(endpoint: Endpoint): MailboxSource {
    const { transport } = endpoint;
    switch (transport.kind) {
      case 'sim-http':
        return simMailboxSource(endpoint.url, this.config.deliveryTimeoutMs);
      case 'https-mtls': {
        const { imap } = transport;
        return new ImapMailboxSource(imap, () =>
          this.imapSessions.get(inboundKey(endpoint), imap, [imap.passwordFile, imap.caFile], () => openImapMailbox(imap, this.config.deliveryTimeoutMs)),
        );
      }
      case 'sftp':
        throw new Error(`endpoint ${endpoint.id}: an SFTP endpoint carries Hélios files, it has no @ctes mailbox`);
      default: {
        const unknown: never = transport;
        throw new Error(`Unknown transport ${JSON.stringify(unknown)}`);
      }
    }
  }

  /** Where the DGFiP's returns for `endpoint` (a Hélios one) are read; one source per round. */
  returns(endpoint: Endpoint): ReturnsSource {
    const { transport } = endpoint;
    switch (transport.kind) {
      case 'sim-http':
        return simReturnsSource(endpoint.url, this.config.deliveryTimeoutMs);
      case 'sftp':
        return new SftpReturnsSource(transport, () => this.drop(endpoint.id, transport));
      case 'https-mtls':
        throw new Error(`endpoint ${endpoint.id}: a mutual-TLS endpoint carries @ctes archives, it has no Hélios returns`);
      default: {
        const unknown: never = transport;
        throw new Error(`Unknown transport ${JSON.stringify(unknown)}`);
      }
    }
  }

  /** One source per distinct mailbox of the @ctes endpoints among `endpoints` (several endpoints may share one). */
  mailboxes(endpoints: readonly Endpoint[]): MailboxSource[] {
    return distinct(endpoints.filter((endpoint) => endpoint.channel === 'actes'), inboundKey).map((endpoint) => this.mailbox(endpoint));
  }

  /** One source per distinct returns server of the Hélios endpoints among `endpoints`. */
  returnSources(endpoints: readonly Endpoint[]): ReturnsSource[] {
    return distinct(endpoints.filter((endpoint) => endpoint.channel === 'helios'), inboundKey).map((endpoint) => this.returns(endpoint));
  }

  /** The endpoint's SFTP connection, shared by its deposits and its returns. */
  private drop(endpointId: string, transport: Extract<Endpoint['transport'], { kind: 'sftp' }>): Promise<SftpDrop> {
    return this.drops.get(endpointId, transport, [transport.privateKeyFile, transport.passphraseFile], () =>
      SftpDrop.load(dropSettings(transport, this.config.deliveryTimeoutMs)),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.tls.closeAll(), this.imapSessions.closeAll(), this.drops.closeAll()]);
  }

  /** The client certificate of every mutual-TLS endpoint of `endpoints`, seen at `now`. */
  async certificates(endpoints: readonly Endpoint[], now: Date = new Date()): Promise<CertificateReport[]> {
    const reports: CertificateReport[] = [];
    for (const endpoint of endpoints) {
      if (endpoint.transport.kind !== 'https-mtls') continue;
      try {
        const { identity } = await this.loadTls(endpoint.id, endpoint.transport.tls);
        const validity = certificateValidity(identity.certificate, now, this.config.certificateWarnDays);
        reports.push({ endpointId: endpoint.id, subject: identity.certificate.subject.replace(/\n/g, ', '), ...validity });
      } catch (error) {
        reports.push({ endpointId: endpoint.id, status: 'unusable', problem: error instanceof Error ? error.message : String(error) });
      }
    }
    return reports;
  }

  /** The endpoint's identity and CAs, loaded again when a file's size or modification time changed. */
  private loadTls(endpointId: string, settings: MutualTlsSettings): Promise<LoadedTls> {
    const files = [settings.certFile, settings.keyFile, settings.pfxFile, settings.passphraseFile, settings.caFile, settings.basicAuth?.passwordFile];
    return this.tls.get(endpointId, settings, files, async (): Promise<LoadedTls> => {
      const identity = await loadClientIdentity({
        ...(settings.certFile === undefined ? {} : { certFile: settings.certFile }),
        ...(settings.keyFile === undefined ? {} : { keyFile: settings.keyFile }),
        ...(settings.pfxFile === undefined ? {} : { pfxFile: settings.pfxFile }),
        ...(settings.passphraseFile === undefined ? {} : { passphraseFile: settings.passphraseFile }),
      });
      const { basicAuth } = settings;
      return {
        identity,
        ...(settings.caFile === undefined ? {} : { ca: await readFile(settings.caFile) }),
        ...(basicAuth === undefined ? {} : { basicAuth: { username: basicAuth.username, password: await readSecretFile(basicAuth.passwordFile) } }),
      };
    });
  }
}

/** What identifies the server an endpoint's incoming items are read from. */
function inboundKey(endpoint: Endpoint): string {
  const { transport } = endpoint;
  switch (transport.kind) {
    case 'sim-http':
      return `sim ${endpoint.url.replace(/\/+$/, '')}`;
    case 'https-mtls':
      return `imap ${transport.imap.username}@${transport.imap.host}:${transport.imap.port.toString()}/${transport.imap.inbox}`;
    case 'sftp':
      return `sftp ${transport.username}@${transport.host}:${transport.port.toString()}${transport.returnsDir}`;
    default: {
      const unknown: never = transport;
      throw new Error(`Unknown transport ${JSON.stringify(unknown)}`);
    }
  }
}

function distinct<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
