import type { SftpTransport } from '@relais/routing';
import { ChannelError, SftpDrop, type ReturnFile } from '@relais/state-channels';
import type { AttemptOutcome } from '../delivery/delivery.decision.js';
import type { PesReturnItem } from '../pes-returns/returns-client.js';
import type { OutboundChannel, OutboundFile, ReturnsSource } from './state-channel.js';

/** Returns read in one round: the next round takes the rest. */
const RETURNS_PER_ROUND = 200;

/** The SFTP settings of an endpoint as the library takes them. */
export function dropSettings(transport: SftpTransport, timeoutMs: number): Parameters<typeof SftpDrop.load>[0] {
  return {
    host: transport.host,
    port: transport.port,
    username: transport.username,
    privateKeyFile: transport.privateKeyFile,
    ...(transport.passphraseFile === undefined ? {} : { passphraseFile: transport.passphraseFile }),
    hostKeySha256: transport.hostKeySha256,
    depositDir: transport.depositDir,
    returnsDir: transport.returnsDir,
    connectTimeoutMs: timeoutMs,
    operationTimeoutMs: timeoutMs,
  };
}

/**
 * Hélios over SFTP (DOMAIN.md §2.3): the PES file deposited under its name (written as `.part`, then
 * renamed, so the DGFiP never takes half a file; a resend of a file still there is taken as it is).
 * Deposits share the endpoint's one SSH connection (kept by the caller, opened again once lost).
 */
export class SftpChannel implements OutboundChannel {
  readonly kind = 'sftp';

  constructor(private readonly drop: () => Promise<SftpDrop>) {}

  async send(file: OutboundFile): Promise<AttemptOutcome> {
    let drop: SftpDrop;
    try {
      drop = await this.drop();
    } catch (error) {
      // The key or the pin cannot be read: nothing is sent until an operator mends the settings.
      return { kind: 'refused', reason: error instanceof Error ? error.message : String(error) };
    }
    const outcome = await drop.deposit(file.fileName, await file.open(), file.size);
    // The DGFiP answers later, in its returns: a deposit taken is accepted as far as the wire can tell.
    return outcome.kind === 'taken' ? { kind: 'taken', answer: outcome.alreadyThere ? 'retry' : 'accepted' } : { kind: outcome.kind, reason: outcome.reason };
  }
}

/**
 * The DGFiP's returns in the endpoint's SFTP folder: each file read (its kind from its root element,
 * since a folder says nothing of it), removed there only once recorded ({@link ack}). A file set aside
 * stays in the folder for an operator (the DGFiP's server is not ours to reorganise), logged once.
 */
export class SftpReturnsSource implements ReturnsSource {
  readonly baseUrl: string;
  private drop: SftpDrop | undefined;

  constructor(
    transport: SftpTransport,
    private readonly open: () => Promise<SftpDrop>,
  ) {
    this.baseUrl = `sftp://${transport.username}@${transport.host}:${transport.port.toString()}${transport.returnsDir}`;
  }

  async *pending(): AsyncGenerator<PesReturnItem> {
    this.drop = await this.open();
    const files: readonly ReturnFile[] = (await this.drop.listReturns()).slice(0, RETURNS_PER_ROUND);
    for (const file of files) {
      let content: Buffer;
      try {
        content = await this.drop.readReturn(file.name);
      } catch (error) {
        // Too large, or changing while read: listed again next round, where it may have settled.
        if (error instanceof ChannelError) continue;
        throw error;
      }
      yield { id: file.name, kind: returnKindOf(content), fileName: file.name, content };
    }
  }

  async ack(item: PesReturnItem): Promise<void> {
    await this.opened().removeReturn(item.fileName);
  }

  setAside(): Promise<void> {
    return Promise.resolve();
  }

  /** Ends the round; the connection stays open for the deposits and the next round. */
  close(): Promise<void> {
    this.drop = undefined;
    return Promise.resolve();
  }

  private opened(): SftpDrop {
    if (this.drop === undefined) throw new Error(`${this.baseUrl}: no round open`);
    return this.drop;
  }
}

/** The kinds of returns, by their root element in any case. */
const KINDS: Readonly<Record<string, PesReturnItem['kind']>> = { pes_acquit: 'PES_Acquit', pes_nonacquit: 'PES_NonAcquit', pes_retour: 'PES_Retour' };

/** A returned file's kind from its root element (`PES_ACQUIT`, `PES_NonAcquit`, `PES_Retour`); the root's name when it is none of these. */
export function returnKindOf(content: Uint8Array): string {
  const head = Buffer.from(content.subarray(0, 4096)).toString('latin1');
  const withoutProlog = head.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>]*>/g, '');
  const root = /<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)/.exec(withoutProlog)?.[1] ?? '';
  return KINDS[root.toLowerCase()] ?? root;
}
