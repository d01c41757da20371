import ssh2, { type Client, type FileEntryWithStats, type SFTPWrapper, type Stats } from 'ssh2';
import { CHANNEL_ERRORS, ChannelError, messageOf } from '../errors.js';
import { formatHostKeyPin, hostKeyFingerprint, hostKeyMatches } from './host-key-pin.js';
import { SFTP_STATUS, connectFailure, isConnectionLoss, requestFailure, sftpStatusOf } from './sftp-failure.js';

/** Where and as whom to open an SFTP session, everything read and checked beforehand. */
export interface SftpEndpoint {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly privateKey: Buffer;
  readonly passphrase?: string;
  /** SHA-256 of the server's host key (64 hex digits), checked before authenticating. */
  readonly hostKeyPin: string;
  /** TCP, SSH handshake, authentication and the SFTP subsystem together. */
  readonly connectTimeoutMs: number;
  /** Each SFTP request on its own. */
  readonly operationTimeoutMs: number;
}

/** SSH keepalives, so that a connection kept between polling rounds is known dead within a minute or so. */
const KEEPALIVE_INTERVAL_MS = 15_000;
const KEEPALIVE_COUNT_MAX = 4;

/**
 * One SSH connection with its SFTP channel. Each request is bounded by the operation timeout and fails
 * at once, with `CHANNEL.CONNECTION_FAILED` saying what was under way, when the connection is lost:
 * a caller never waits on a dead connection, and never takes an unanswered request for done. After a
 * timeout the connection is dropped, since what the server did with the request is unknown.
 */
export class SftpSession {
  /** Requests the server answered so far, with a result or a status. */
  answers = 0;
  private lost: string | undefined;
  private readonly lossListeners = new Set<(reason: string) => void>();

  private constructor(
    private readonly client: Client,
    private readonly sftp: SFTPWrapper,
    private readonly endpoint: SftpEndpoint,
  ) {
    client.on('error', (error: Error) => {
      this.lose(messageOf(error));
    });
    client.on('close', () => {
      this.lose('the connection closed');
    });
    sftp.on('close', () => {
      this.lose('the SFTP channel closed');
      client.end();
    });
  }

  /** Opens a session: the host key must match the pin before the key is offered. Throws a {@link ChannelError}. */
  static open(endpoint: SftpEndpoint): Promise<SftpSession> {
    const where = `${endpoint.host}:${endpoint.port}`;
    const pinned = formatHostKeyPin(endpoint.hostKeyPin);
    return new Promise((resolve, reject) => {
      const client = new ssh2.Client();
      let presented: string | undefined;
      let settled = false;
      const fail = (error: unknown): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        client.destroy();
        reject(connectFailure(error, where, presented, pinned));
      };
      const timer = setTimeout(() => {
        fail(new ChannelError(CHANNEL_ERRORS.CONNECT_TIMEOUT, `no SFTP session with ${where} within ${endpoint.connectTimeoutMs} ms`));
      }, endpoint.connectTimeoutMs);
      client.on('error', fail);
      client.once('close', () => {
        fail(new ChannelError(CHANNEL_ERRORS.CONNECTION_FAILED, `${where} closed the connection before the SFTP session was open`));
      });
      client.once('ready', () => {
        client.sftp((error, sftp) => {
          if (settled) {
            client.destroy();
            return;
          }
          if (error !== undefined) {
            // OpenSSH closes the session here when its ChrootDirectory is unusable, say.
            fail(new ChannelError(CHANNEL_ERRORS.CONNECTION_FAILED, `${where} did not open its SFTP subsystem (${error.message})`, { cause: error }));
            return;
          }
          settled = true;
          clearTimeout(timer);
          resolve(new SftpSession(client, sftp, endpoint));
        });
      });
      try {
        client.connect({
          host: endpoint.host,
          port: endpoint.port,
          username: endpoint.username,
          privateKey: endpoint.privateKey,
          ...(endpoint.passphrase === undefined ? {} : { passphrase: endpoint.passphrase }),
          // Called in the key exchange, before any authentication: a wrong server never sees our key.
          hostVerifier: (key: Buffer): boolean => {
            if (hostKeyMatches(key, endpoint.hostKeyPin)) return true;
            presented = hostKeyFingerprint(key);
            return false;
          },
          readyTimeout: 0,
          keepaliveInterval: KEEPALIVE_INTERVAL_MS,
          keepaliveCountMax: KEEPALIVE_COUNT_MAX,
        });
      } catch (error) {
        fail(new ChannelError(CHANNEL_ERRORS.SFTP_KEY_UNREADABLE, `the SFTP key cannot be used (${messageOf(error)})`, { cause: error }));
      }
    });
  }

  /** Whether the connection is still up, as far as is known. */
  get alive(): boolean {
    return this.lost === undefined;
  }

  /** The attributes of `path`, or `undefined` when there is no such file. */
  stat(path: string): Promise<Stats | undefined> {
    return this.request<Stats | undefined>(`STAT ${path}`, (done) => {
      this.sftp.stat(path, done);
    }, () => undefined);
  }

  /** Opens `path` for writing, created or truncated (`w`), or for reading (`r`); resolves with its handle. */
  open(path: string, flags: 'w' | 'r'): Promise<Buffer> {
    return this.request(`OPEN ${path}`, (done) => {
      this.sftp.open(path, flags, done);
    });
  }

  /** Writes `data` at `position` of an open file. */
  write(handle: Buffer, data: Buffer, position: number, path: string): Promise<void> {
    return this.request(`WRITE ${path} at ${position}`, (done) => {
      this.sftp.write(handle, data, 0, data.length, position, (error) => {
        done(error);
      });
    });
  }

  /** Reads up to `length` bytes at `position` into `buffer` at `offset`; resolves with how many came (0 at the end). */
  read(handle: Buffer, buffer: Buffer, offset: number, length: number, position: number, path: string): Promise<number> {
    return this.request(`READ ${path} at ${position}`, (done) => {
      this.sftp.read(handle, buffer, offset, length, position, (error, bytesRead) => {
        done(error, bytesRead);
      });
    });
  }

  /** The attributes of an open file. */
  fstat(handle: Buffer, path: string): Promise<Stats> {
    return this.request(`FSTAT ${path}`, (done) => {
      this.sftp.fstat(handle, done);
    });
  }

  /** Closes an open file: on a file written, the server may only now report a failed write. */
  close(handle: Buffer, path: string): Promise<void> {
    return this.request(`CLOSE ${path}`, (done) => {
      this.sftp.close(handle, done);
    });
  }

  /** Renames `from` to `to` (SSH_FXP_RENAME, which OpenSSH refuses when `to` exists). */
  rename(from: string, to: string): Promise<void> {
    return this.request(`RENAME ${from} to ${to}`, (done) => {
      this.sftp.rename(from, to, done);
    });
  }

  /** Removes `path`; resolves `false` when there was no such file. */
  unlink(path: string): Promise<boolean> {
    return this.request(`REMOVE ${path}`, (done) => {
      this.sftp.unlink(path, (error) => {
        done(error, true);
      });
    }, () => false);
  }

  /** The entries of the directory `path`. */
  readdir(path: string): Promise<FileEntryWithStats[]> {
    return this.request(`READDIR ${path}`, (done) => {
      this.sftp.readdir(path, done);
    });
  }

  /** Closes the connection (what is under way fails as lost). */
  end(): void {
    this.lose('the session was closed');
    this.client.end();
  }

  private lose(reason: string): void {
    if (this.lost !== undefined) return;
    this.lost = reason;
    for (const listener of this.lossListeners) listener(reason);
  }

  /**
   * Sends one request and waits for its answer, the operation timeout, or the loss of the connection,
   * whichever comes first. `whenAbsent` gives the result when the server answers "no such file".
   */
  private request<T>(what: string, send: (done: (error: Error | null | undefined, value?: T) => void) => void, whenAbsent?: () => T): Promise<T> {
    const where = `${this.endpoint.host}:${this.endpoint.port}`;
    return new Promise<T>((resolve, reject) => {
      if (this.lost !== undefined) {
        reject(new ChannelError(CHANNEL_ERRORS.CONNECTION_FAILED, `the connection to ${where} was lost before ${what} (${this.lost})`));
        return;
      }
      let finished = false;
      const finish = (): boolean => {
        if (finished) return false;
        finished = true;
        clearTimeout(timer);
        this.lossListeners.delete(onLoss);
        return true;
      };
      const onLoss = (reason: string): void => {
        if (finish()) reject(new ChannelError(CHANNEL_ERRORS.CONNECTION_FAILED, `the connection to ${where} was lost during ${what} (${reason})`));
      };
      const timer = setTimeout(() => {
        if (!finish()) return;
        reject(new ChannelError(CHANNEL_ERRORS.TIMEOUT, `${where} did not answer ${what} within ${this.endpoint.operationTimeoutMs} ms`));
        // What the server did is unknown, and a late answer must not be taken for another's.
        this.lose(`no answer to ${what} in time`);
        this.client.destroy();
      }, this.endpoint.operationTimeoutMs);
      this.lossListeners.add(onLoss);
      try {
        send((error, value) => {
          if (!finish()) return;
          if (error === null || error === undefined) {
            this.answers += 1;
            resolve(value as T);
          } else if (whenAbsent !== undefined && sftpStatusOf(error) === SFTP_STATUS.NO_SUCH_FILE) {
            this.answers += 1;
            resolve(whenAbsent());
          } else {
            const failure = requestFailure(what, where, error);
            if (!isConnectionLoss(failure)) this.answers += 1;
            reject(failure);
          }
        });
      } catch (error) {
        if (finish()) reject(requestFailure(what, where, error));
      }
    });
  }
}
