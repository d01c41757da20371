import type { ImapFlow } from 'imapflow';
import { CHANNEL_ERRORS, ChannelError } from '../errors.js';
import { parseSha256Pin } from '../pin.js';
import { connectionLost } from './imap-failure.js';
import { openImapSession, runImapCommand, type ImapSession } from './imap-session.js';
import { readInboundMail, readOversizedMail, reasonKeyword, type InboundMail, type MailPlace } from './inbound-mail.js';

/** Where and how to read the operator's mailbox, over implicit TLS (imaps). */
export interface ImapMailboxSettings {
  readonly host: string;
  /** The imaps port (TLS from the first byte; no STARTTLS, no cleartext); 993 by default. */
  readonly port?: number;
  readonly username: string;
  /** Read by the caller from a secret file ({@link readSecretFile}). */
  readonly password: string;
  /** CAs that the server's chain must verify against (PEM); Node's root store when absent. */
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
  /** SHA-256 of the server certificate's DER (hex, colon-separated, or `openssl x509 -fingerprint -sha256` output), checked in the handshake. */
  readonly pinnedSha256?: string;
  /** The folder the préfecture's mails arrive in; `INBOX` by default. */
  readonly inbox?: string;
  /** Where a mail goes once its event is committed; `Traites` by default, created when missing. */
  readonly processedFolder?: string;
  /** Where a mail that matches nothing waits for an operator; `A-verifier` by default, created when missing. */
  readonly setAsideFolder?: string;
  /** TCP, TLS, greeting and login together; 30 s by default. */
  readonly connectTimeoutMs?: number;
  /** Each command (one message fetched, one move, one append); 60 s by default. */
  readonly commandTimeoutMs?: number;
  /** A larger message is yielded with its headers only and a `problem`, never read into memory; 64 MiB by default. */
  readonly maxMessageBytes?: number;
}

/** What {@link ImapMailbox.append} stored. */
export interface AppendedMail {
  readonly folder: string;
  /** The new message's UID, when the server tells it (UIDPLUS). */
  readonly uid: number | undefined;
}

/**
 * The operator's mailbox where the préfecture's @ctes replies arrive (DOMAIN.md §1.2), read over IMAP.
 * A polling round is `pending()`, then `markProcessed` or `setAside` for each mail once the caller has
 * committed what it made of it. A round runs on the previous round's session while it is sound, else on
 * a new one, so a server restarted between rounds is simply reconnected to; a session that breaks
 * during a round fails that round with
 * `CHANNEL.IMAP_CONNECTION_LOST`, and every mail not yet moved stays in the inbox for the next one.
 * Messages are only ever moved, never deleted.
 */
export class ImapMailbox {
  private readonly pin: string | undefined;
  private readonly inbox: string;
  private readonly processedFolder: string;
  private readonly setAsideFolder: string;
  private session: ImapSession | undefined;
  /** UIDVALIDITY of the inbox at the last listing, against which UIDs handed out are checked. */
  private listedUidValidity: number | undefined;

  /** Checks the settings (a malformed pin is `CHANNEL.SERVER_PIN_INVALID`); connects only when used. */
  constructor(private readonly settings: ImapMailboxSettings) {
    this.pin = settings.pinnedSha256 === undefined ? undefined : parseSha256Pin(settings.pinnedSha256);
    this.inbox = settings.inbox ?? 'INBOX';
    this.processedFolder = settings.processedFolder ?? 'Traites';
    this.setAsideFolder = settings.setAsideFolder ?? 'A-verifier';
  }

  /**
   * The messages in the inbox, oldest (lowest UID) first, at most `limit` of them, read one at a time.
   * Runs on the previous round's session while it is sound, else opens a new one. A message that cannot be read is yielded all the same, with its
   * `problem`. Throws `CHANNEL.IMAP_*` (or a TLS code) when the server cannot be reached or the session
   * breaks; a message moved away by someone else meanwhile is no longer there and not yielded.
   */
  async *pending(limit = Number.POSITIVE_INFINITY): AsyncGenerator<InboundMail, void, undefined> {
    const round = await this.sessionForRound();
    const maxBytes = this.settings.maxMessageBytes ?? 64 * 1024 * 1024;
    const listing = await this.command(round, 'list the inbox', async (client) => {
      const lock = await client.getMailboxLock(this.inbox);
      try {
        // On a session kept from the last round the inbox is selected already: NOOP has the server
        // tell what arrived since (EXISTS), which a new selection would have told.
        await client.noop();
        const uidValidity = this.selectedUidValidity(client);
        const exists = client.mailbox === false ? 0 : client.mailbox.exists;
        const rows = exists === 0 ? [] : await client.fetchAll('1:*', { uid: true, size: true });
        return { uidValidity, places: rows.map((row): MailPlace => ({ uid: row.uid, uidValidity, size: row.size ?? 0 })) };
      } finally {
        lock.release();
      }
    });
    this.listedUidValidity = listing.uidValidity;
    const places = [...listing.places].sort((a, b) => a.uid - b.uid).slice(0, limit);
    for (const place of places) {
      const oversized = place.size > maxBytes;
      const fetched = await this.command(round, `fetch message ${place.uid}`, (client) =>
        this.inInbox(client, place.uidValidity, () =>
          client.fetchOne(String(place.uid), oversized ? { uid: true, headers: true } : { uid: true, source: true }, { uid: true })));
      if (fetched === false) continue;
      yield oversized
        ? await readOversizedMail(place, fetched.headers ?? Buffer.alloc(0), maxBytes)
        : await readInboundMail(place, fetched.source ?? Buffer.alloc(0));
    }
  }

  /**
   * Moves a message to the processed folder (UID MOVE; COPY, `\Deleted` and EXPUNGE on a server
   * without MOVE). Call it only once the message's event is committed: a crash before leaves the
   * message in the inbox, read again next round. Resolves `false` when the message is no longer in the
   * inbox (moved already). `uidValidity`, when given, must still be the inbox's
   * (`CHANNEL.IMAP_UIDVALIDITY_CHANGED` otherwise), as must that of the last listing.
   */
  markProcessed(uid: number, uidValidity?: number): Promise<boolean> {
    return this.moveTo(this.processedFolder, uid, uidValidity, undefined);
  }

  /**
   * Moves a message to the set-aside folder for an operator, with `reason` as an IMAP keyword on it
   * (see {@link reasonKeyword}; a server that keeps no keywords just gets the move). Never deletes.
   * Resolves `false` when the message is no longer in the inbox.
   */
  setAside(uid: number, reason: string, uidValidity?: number): Promise<boolean> {
    return this.moveTo(this.setAsideFolder, uid, uidValidity, reasonKeyword(reason));
  }

  /**
   * Stores a raw RFC 5322 message in `folder` (the inbox by default, created when missing) with IMAP
   * APPEND: how the State simulator delivers the préfecture's mails.
   */
  async append(rawMime: Buffer, folder: string = this.inbox): Promise<AppendedMail> {
    const session = await this.current();
    return this.command(session, `append a message to ${folder}`, async (client) => {
      if (folder !== this.inbox) await this.ensureFolder(session, folder);
      const appended = await client.append(folder, rawMime);
      if (!appended) throw new ChannelError(CHANNEL_ERRORS.IMAP_COMMAND_FAILED, `append a message to ${folder}: the server refused it`);
      return { folder, uid: appended.uid };
    });
  }

  /** Logs out (or, failing that, drops the connection). Safe to call at any time, more than once. */
  async close(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    if (session === undefined) return;
    const client = session.client;
    if (session.broken !== undefined || !client.usable) {
      client.close();
      return;
    }
    const timer = setTimeout(() => {
      client.close();
    }, this.settings.commandTimeoutMs ?? 60_000);
    try {
      await client.logout();
    } catch {
      // The session ends either way: the server saw our LOGOUT or it sees the connection close.
      client.close();
    } finally {
      clearTimeout(timer);
    }
  }

  private async moveTo(folder: string, uid: number, uidValidity: number | undefined, keyword: string | undefined): Promise<boolean> {
    const session = await this.current();
    return this.command(session, `move message ${uid} to ${folder}`, async (client) => {
      await this.ensureFolder(session, folder);
      return this.inInbox(client, uidValidity ?? this.listedUidValidity, async () => {
        const found = await client.search({ uid: String(uid) }, { uid: true });
        if (found === false || found === undefined) throw new ChannelError(CHANNEL_ERRORS.IMAP_COMMAND_FAILED, `move message ${uid} to ${folder}: the server refused to search the inbox`);
        if (found.length === 0) return false;
        // Best effort: a server that keeps no keywords refuses the flag, and the move matters more.
        if (keyword !== undefined) await client.messageFlagsAdd(String(uid), [keyword], { uid: true });
        const moved = await client.messageMove(String(uid), folder, { uid: true });
        // imapflow resolves `undefined`, not only `false`, when the session left the selected state under it.
        if (!moved) throw new ChannelError(CHANNEL_ERRORS.IMAP_COMMAND_FAILED, `move message ${uid} to ${folder}: the server refused the move`);
        return true;
      });
    });
  }

  /** Runs `work` with the inbox selected (and locked), once its UIDVALIDITY is checked against `expected`. */
  private async inInbox<T>(client: ImapFlow, expected: number | undefined, work: () => Promise<T>): Promise<T> {
    const lock = await client.getMailboxLock(this.inbox);
    try {
      const actual = this.selectedUidValidity(client);
      if (expected !== undefined && actual !== expected) {
        throw new ChannelError(CHANNEL_ERRORS.IMAP_UIDVALIDITY_CHANGED, `the UIDVALIDITY of ${this.inbox} is now ${actual}, not ${expected}: its UIDs may name other messages; list it again`);
      }
      return await work();
    } finally {
      lock.release();
    }
  }

  private selectedUidValidity(client: ImapFlow): number {
    if (client.mailbox === false) throw new ChannelError(CHANNEL_ERRORS.IMAP_COMMAND_FAILED, `${this.inbox} could not be selected`);
    return Number(client.mailbox.uidValidity);
  }

  private async ensureFolder(session: ImapSession, folder: string): Promise<void> {
    if (session.folders.has(folder)) return;
    await session.client.mailboxCreate(folder);
    session.folders.add(folder);
  }

  /**
   * The session a round runs on: the previous round's while it is sound (a poll every few hundred
   * milliseconds must not cost a TLS handshake and a login each time, on either side), else a new one.
   */
  private async sessionForRound(): Promise<ImapSession> {
    const previous = this.session;
    if (previous !== undefined && previous.broken === undefined && previous.client.usable) return previous;
    if (previous !== undefined) {
      this.session = undefined;
      previous.client.close();
    }
    return this.open();
  }

  /** The open session; a new one when there is none. One that broke is reported once, then forgotten. */
  private async current(): Promise<ImapSession> {
    const session = this.session;
    if (session === undefined) return this.open();
    if (session.broken !== undefined) {
      this.session = undefined;
      session.client.close();
      throw session.broken;
    }
    return session;
  }

  private async open(): Promise<ImapSession> {
    const { settings } = this;
    const session = await openImapSession({
      host: settings.host,
      port: settings.port ?? 993,
      username: settings.username,
      password: settings.password,
      ...(settings.ca === undefined ? {} : { ca: settings.ca }),
      pin: this.pin,
      connectTimeoutMs: settings.connectTimeoutMs ?? 30_000,
    });
    this.session = session;
    return session;
  }

  /** Runs one command on `session`, which must still be the current one: a round never reconnects. */
  private command<T>(session: ImapSession, what: string, run: (client: ImapFlow) => Promise<T>): Promise<T> {
    if (this.session !== session || session.broken !== undefined) {
      return Promise.reject(session.broken ?? connectionLost(what, 'the session of this round was closed'));
    }
    return runImapCommand(session, what, this.settings.commandTimeoutMs ?? 60_000, run);
  }
}
