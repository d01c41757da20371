import { readFile } from 'node:fs/promises';
import { unpackArchive, type PrefectureFile, type UnpackLimits } from '@relais/actes';
import type { ImapSettings } from '@relais/routing';
import { ImapMailbox, readSecretFile, type InboundMail } from '@relais/state-channels';
import type { MailboxItem } from '../replies/mailbox-client.js';
import type { MailboxSource } from './state-channel.js';

/** A préfecture message's archive, inflated: far above any real reply (a letter and its documents). */
const REPLY_LIMITS: UnpackLimits = { maxInflatedBytes: 320 * 1024 * 1024, maxEntries: 512 };
/** Mails read in one round: the next round takes the rest. */
const MAILS_PER_ROUND = 500;

/** Opens the mailbox of an endpoint's settings (its password read from its secret file). */
export async function openImapMailbox(settings: ImapSettings, timeoutMs: number): Promise<ImapMailbox> {
  return new ImapMailbox({
    host: settings.host,
    port: settings.port,
    username: settings.username,
    password: await readSecretFile(settings.passwordFile),
    ...(settings.caFile === undefined ? {} : { ca: await readFile(settings.caFile) }),
    ...(settings.serverPin === undefined ? {} : { pinnedSha256: settings.serverPin }),
    inbox: settings.inbox,
    processedFolder: settings.processedFolder,
    setAsideFolder: settings.setAsideFolder,
    connectTimeoutMs: timeoutMs,
    commandTimeoutMs: timeoutMs,
  });
}

/**
 * The préfecture's messages read from the operator's IMAP mailbox (DOMAIN.md §1.2): each mail's
 * `.tar.gz` attachment is the message's archive, unpacked into its files; the archive's name is the
 * message's id in the log. A mail is moved to the processed folder only once its event is committed
 * ({@link ack}), to the set-aside folder when it matches nothing or cannot be read; never deleted. The
 * mailbox (and its session) outlives the round: the caller keeps it and closes it at shutdown.
 */
export class ImapMailboxSource implements MailboxSource {
  readonly baseUrl: string;
  private mailbox: ImapMailbox | undefined;

  constructor(
    settings: ImapSettings,
    private readonly open: () => Promise<ImapMailbox>,
  ) {
    this.baseUrl = `imaps://${settings.username}@${settings.host}:${settings.port.toString()}/${settings.inbox}`;
  }

  async *pending(): AsyncGenerator<MailboxItem> {
    this.mailbox = await this.open();
    for await (const mail of this.mailbox.pending(MAILS_PER_ROUND)) yield await itemOfMail(mail);
  }

  async ack(item: MailboxItem): Promise<void> {
    await this.opened().markProcessed(item.id);
  }

  async setAside(item: MailboxItem, reason: string): Promise<void> {
    await this.opened().setAside(item.id, reason);
  }

  /** Ends the round; the mailbox stays open for the next one. */
  close(): Promise<void> {
    this.mailbox = undefined;
    return Promise.resolve();
  }

  private opened(): ImapMailbox {
    if (this.mailbox === undefined) throw new Error(`${this.baseUrl}: no round open`);
    return this.mailbox;
  }
}

/**
 * The mailbox item of a mail: its one `.tar.gz` attachment unpacked. A mail without exactly one
 * archive, or whose archive does not unpack, becomes an item with its `problem`, set aside by the poller.
 */
export async function itemOfMail(mail: InboundMail): Promise<MailboxItem> {
  const base = { id: mail.uid, kind: mail.subject };
  if (mail.problem !== undefined) return { ...base, archiveName: '', files: [], problem: mail.problem };
  const archives = mail.attachments.filter((attachment) => /\.tar\.gz$/i.test(attachment.name));
  if (archives.length !== 1) {
    const names = mail.attachments.map((attachment) => attachment.name || '(no name)').join(', ') || 'none';
    return { ...base, archiveName: '', files: [], problem: `a préfecture mail carries one .tar.gz archive; this one has ${archives.length.toString()} (attachments: ${names})` };
  }
  const [archive] = archives as [(typeof archives)[number]];
  try {
    const files: PrefectureFile[] = (await unpackArchive(archive.content, REPLY_LIMITS)).map((file) => ({ name: file.name, content: file.content }));
    return { ...base, archiveName: archive.name, files };
  } catch (error) {
    return { ...base, archiveName: archive.name, files: [], problem: `its archive ${archive.name} does not unpack: ${error instanceof Error ? error.message : String(error)}` };
  }
}
