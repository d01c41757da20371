import { readFile } from 'node:fs/promises';
import ssh2 from 'ssh2';
import { CHANNEL_ERRORS, ChannelError, errorCode, messageOf } from '../errors.js';
import { readSecretFile } from '../imap/secret-file.js';
import { parseHostKeyPin } from './host-key-pin.js';
import { chunksOf, eachAtMost } from './pipelining.js';
import { PART_SUFFIX, assertPlainName, remotePath, returnFilesOf, type ReturnFile } from './remote-files.js';
import { depositOutcomeOf, isConnectionLoss, type SftpDepositOutcome } from './sftp-failure.js';
import { SftpSession, type SftpEndpoint } from './sftp-session.js';

/** How Relais reaches the DGFiP's SFTP server (DOMAIN.md §2.3). */
export interface SftpDropSettings {
  readonly host: string;
  /** Default 22. */
  readonly port?: number;
  readonly username: string;
  /** The private key (OpenSSH or PEM format) whose public half the server authorised. */
  readonly privateKeyFile: string;
  /** Secret file holding the key's passphrase, when it is encrypted (see {@link readSecretFile}). */
  readonly passphraseFile?: string;
  /** SHA-256 of the server's host key: `SHA256:<base64>` as `ssh-keygen -lf` prints it, or 64 hex digits. */
  readonly hostKeySha256: string;
  /** Where PES files are deposited; default `/depot`. */
  readonly depositDir?: string;
  /** Where the DGFiP leaves PES_Acquit, PES_NonAcquit and PES_Retour files; default `/retours`. */
  readonly returnsDir?: string;
  /** TCP connection, SSH handshake, authentication and SFTP subsystem together; default 30 s. */
  readonly connectTimeoutMs?: number;
  /** Each SFTP request (one write, one read, a rename…); default 60 s. */
  readonly operationTimeoutMs?: number;
}

/** Largest return file read by default (DOMAIN.md §2.3: 150 MiB). */
export const MAX_RETURN_BYTES = 150 * 1024 * 1024;

/** Bytes per WRITE or READ request: fits one request on any server (ssh2 allows 34000 - 2048 bytes of data off OpenSSH). */
const CHUNK_BYTES = 31 * 1024;
/** Requests in flight at once on one file: about 1 MiB, so that a long round trip does not set the pace. */
const REQUESTS_IN_FLIGHT = 32;

/**
 * The Hélios channel over SFTP: PES files deposited in the DGFiP's deposit directory, and the returns
 * (PES_Acquit, PES_NonAcquit, PES_Retour) read from its returns directory, each removed only once the
 * caller has recorded it. One connection is kept between calls and opened again when it was lost: a
 * server restarted between two polling rounds is simply reconnected to on the next call. A connection
 * lost during a call fails that call with `CHANNEL.CONNECTION_FAILED` saying what was under way.
 */
export class SftpDrop {
  /** `sftp://user@host:port`, for logs. */
  readonly address: string;
  private ready: SftpSession | undefined;
  private opening: Promise<SftpSession> | undefined;

  private constructor(
    private readonly endpoint: SftpEndpoint,
    private readonly depositDir: string,
    private readonly returnsDir: string,
  ) {
    this.address = `sftp://${endpoint.username}@${endpoint.host}:${endpoint.port}`;
  }

  /**
   * Reads the key (and its passphrase) and checks the host key pin, without connecting: throws a
   * {@link ChannelError} (`CHANNEL.SFTP_KEY_UNREADABLE`, `CHANNEL.SECRET_UNREADABLE`,
   * `CHANNEL.SERVER_PIN_INVALID`) so that a service refuses to start with settings that cannot work.
   */
  static async load(settings: SftpDropSettings): Promise<SftpDrop> {
    const hostKeyPin = parseHostKeyPin(settings.hostKeySha256);
    const passphrase = settings.passphraseFile === undefined ? undefined : await readSecretFile(settings.passphraseFile);
    let privateKey: Buffer;
    try {
      privateKey = await readFile(settings.privateKeyFile);
    } catch (error) {
      throw new ChannelError(CHANNEL_ERRORS.SFTP_KEY_UNREADABLE, `cannot read the SFTP key ${settings.privateKeyFile} (${errorCode(error) ?? messageOf(error)})`, { cause: error });
    }
    const parsed = ssh2.utils.parseKey(privateKey, passphrase);
    if (parsed instanceof Error) {
      throw new ChannelError(CHANNEL_ERRORS.SFTP_KEY_UNREADABLE, `the SFTP key ${settings.privateKeyFile} cannot be used (${parsed.message})`, { cause: parsed });
    }
    if (!parsed.isPrivateKey()) {
      throw new ChannelError(CHANNEL_ERRORS.SFTP_KEY_UNREADABLE, `${settings.privateKeyFile} holds a public key, not the private key`);
    }
    const endpoint: SftpEndpoint = {
      host: settings.host,
      port: settings.port ?? 22,
      username: settings.username,
      privateKey,
      ...(passphrase === undefined ? {} : { passphrase }),
      hostKeyPin,
      connectTimeoutMs: settings.connectTimeoutMs ?? 30_000,
      operationTimeoutMs: settings.operationTimeoutMs ?? 60_000,
    };
    return new SftpDrop(endpoint, settings.depositDir ?? '/depot', settings.returnsDir ?? '/retours');
  }

  /**
   * Deposits a file of `size` bytes, streamed from `body` (never held whole): written as
   * `<fileName>.part`, then renamed to `<fileName>`, so the DGFiP only ever sees complete files. A
   * resend of a file already there with the same size (after a crash between the rename and its
   * record) is taken without writing again. Never throws: a failed attempt leaves at most a `.part`,
   * which the next attempt overwrites.
   */
  async deposit(fileName: string, body: Uint8Array | AsyncIterable<Uint8Array>, size: number): Promise<SftpDepositOutcome> {
    try {
      assertPlainName(fileName);
      if (!Number.isSafeInteger(size) || size < 0) throw new ChannelError(CHANNEL_ERRORS.SFTP_SIZE_MISMATCH, `${size} is not a number of bytes`);
      return await this.withSession((session) => depositOver(session, remotePath(this.depositDir, fileName), body, size));
    } catch (error) {
      return depositOutcomeOf(error);
    }
  }

  /** The files waiting in the returns directory, oldest first, leaving out `*.part` and dot files. Throws a {@link ChannelError}. */
  async listReturns(): Promise<ReturnFile[]> {
    return returnFilesOf(await this.withSession((session) => session.readdir(this.returnsDir)));
  }

  /**
   * The bytes of a return file. Throws a {@link ChannelError}: `CHANNEL.SFTP_RETURN_TOO_LARGE` beyond
   * `maxBytes`, `CHANNEL.SFTP_RETURN_CHANGED` when it changed while read (still being written).
   */
  async readReturn(name: string, maxBytes = MAX_RETURN_BYTES): Promise<Buffer> {
    assertPlainName(name);
    return this.withSession((session) => readWhole(session, remotePath(this.returnsDir, name), maxBytes));
  }

  /**
   * Removes a return file, to be called only once it is recorded; resolves `false` when it was already
   * gone (a second removal after a crash is fine). Throws a {@link ChannelError}.
   */
  async removeReturn(name: string): Promise<boolean> {
    assertPlainName(name);
    return this.withSession((session) => session.unlink(remotePath(this.returnsDir, name)));
  }

  /** Closes the connection; a later call opens a new one. */
  async close(): Promise<void> {
    const opening = this.opening;
    this.ready?.end();
    this.ready = undefined;
    if (opening !== undefined) (await opening.catch(() => undefined))?.end();
    this.ready = undefined;
  }

  /**
   * Runs `work` over the kept session, or a new one. A kept connection may have died while idle without
   * our having heard yet: when it fails as lost before the server answered anything in this call (so
   * nothing was done and the body not read), `work` runs once more over a new connection.
   */
  private async withSession<T>(work: (session: SftpSession) => Promise<T>): Promise<T> {
    const kept = this.ready?.alive === true ? this.ready : undefined;
    const session = kept ?? (await this.connect());
    const answers = session.answers;
    try {
      return await work(session);
    } catch (error) {
      if (kept === undefined || session.answers !== answers || !isConnectionLoss(error)) throw error;
      return work(await this.connect());
    }
  }

  /** A new session, shared by the calls that need one at the same time. */
  private connect(): Promise<SftpSession> {
    this.opening ??= SftpSession.open(this.endpoint).then(
      (session) => {
        this.opening = undefined;
        this.ready?.end();
        this.ready = session;
        return session;
      },
      (error: unknown) => {
        this.opening = undefined;
        throw error;
      },
    );
    return this.opening;
  }
}

/** The deposit itself: see {@link SftpDrop.deposit}. */
async function depositOver(session: SftpSession, target: string, body: Uint8Array | AsyncIterable<Uint8Array>, size: number): Promise<SftpDepositOutcome> {
  const existing = await session.stat(target);
  if (existing !== undefined) return alreadyThere(target, existing.size, size);
  const part = `${target}${PART_SUFFIX}`;
  const handle = await session.open(part, 'w');
  let written: number;
  try {
    written = await writeAll(session, handle, part, body, size);
  } catch (error) {
    if (session.alive) await discard(session, handle, part);
    throw error;
  }
  await session.close(handle, part);
  if (written !== size) {
    await session.unlink(part).catch(() => false);
    throw new ChannelError(CHANNEL_ERRORS.SFTP_SIZE_MISMATCH, `the body of ${target} held ${written} bytes, not the ${size} announced: nothing was published`);
  }
  const uploaded = await session.stat(part);
  if (uploaded?.size !== size) {
    throw new ChannelError(CHANNEL_ERRORS.SFTP_REMOTE_FAILURE, `${part} has ${uploaded?.size ?? 'no'} bytes on the server after ${size} were written`);
  }
  try {
    await session.rename(part, target);
  } catch (error) {
    // Another attempt may have published the same file meanwhile (OpenSSH refuses to rename onto it).
    if (isConnectionLoss(error)) throw error;
    const published = await session.stat(target);
    if (published === undefined) throw error;
    return alreadyThere(target, published.size, size);
  }
  return { kind: 'taken', remotePath: target, alreadyThere: false, reason: `${target} deposited (${size} bytes)` };
}

/** A file of the deposited name is already on the server: the same deposit done before, or another file. */
function alreadyThere(target: string, existingSize: number, size: number): SftpDepositOutcome {
  if (existingSize === size) {
    return { kind: 'taken', remotePath: target, alreadyThere: true, reason: `${target} was already there with its ${size} bytes: not written again` };
  }
  throw new ChannelError(CHANNEL_ERRORS.SFTP_NAME_TAKEN, `${target} is already on the server with ${existingSize} bytes, not ${size}: another file has this name`);
}

/** Writes the body at consecutive positions, several requests in flight; resolves with the byte count. */
async function writeAll(session: SftpSession, handle: Buffer, path: string, body: Uint8Array | AsyncIterable<Uint8Array>, size: number): Promise<number> {
  let position = 0;
  await eachAtMost(sourceChunks(body), REQUESTS_IN_FLIGHT, async (chunk) => {
    const at = position;
    position += chunk.length;
    if (position > size) {
      throw new ChannelError(CHANNEL_ERRORS.SFTP_SIZE_MISMATCH, `the body of ${path} holds more than the ${size} bytes announced: nothing was published`);
    }
    await session.write(handle, chunk, at, path);
  });
  return position;
}

/** The body in request-sized chunks; a failure of the caller's source is told apart from the channel's. */
async function* sourceChunks(body: Uint8Array | AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  try {
    yield* chunksOf(body, CHUNK_BYTES);
  } catch (error) {
    throw new ChannelError(CHANNEL_ERRORS.SFTP_BODY_FAILED, `the bytes to deposit could not be read (${messageOf(error)})`, { cause: error });
  }
}

/** After a failed upload on a live connection: the handle closed and the `.part` removed, as far as possible. */
async function discard(session: SftpSession, handle: Buffer, part: string): Promise<void> {
  await session.close(handle, part).catch(() => undefined);
  await session.unlink(part).catch(() => false);
}

/** Reads a whole file, several requests in flight, and checks that it did not change meanwhile. */
async function readWhole(session: SftpSession, path: string, maxBytes: number): Promise<Buffer> {
  const handle = await session.open(path, 'r');
  try {
    const before = await session.fstat(handle, path);
    if (before.size > maxBytes) {
      throw new ChannelError(CHANNEL_ERRORS.SFTP_RETURN_TOO_LARGE, `${path} has ${before.size} bytes, more than the ${maxBytes} accepted`);
    }
    const changed = (): ChannelError => new ChannelError(CHANNEL_ERRORS.SFTP_RETURN_CHANGED, `${path} changed while it was read: it is read again on the next round`);
    const bytes = Buffer.alloc(before.size);
    await eachAtMost(ranges(before.size, CHUNK_BYTES), REQUESTS_IN_FLIGHT, async ([start, end]) => {
      for (let at = start; at < end; ) {
        const count = await session.read(handle, bytes, at, end - at, at, path);
        if (count === 0) throw changed();
        at += count;
      }
    });
    const beyond = await session.read(handle, Buffer.alloc(1), 0, 1, before.size, path);
    const after = await session.fstat(handle, path);
    if (beyond !== 0 || after.size !== before.size || after.mtime !== before.mtime) throw changed();
    return bytes;
  } finally {
    if (session.alive) await session.close(handle, path).catch(() => undefined);
  }
}

/** `[start, end)` ranges of `step` bytes covering `size` bytes. */
function* ranges(size: number, step: number): Generator<readonly [number, number]> {
  for (let start = 0; start < size; start += step) yield [start, Math.min(start + step, size)];
}
