import { ImapFlow } from 'imapflow';
import { CHANNEL_ERRORS, ChannelError } from '../errors.js';
import { connectionLost, imapFailure } from './imap-failure.js';
import { pinnedServerCheck } from './pinned-server-check.js';

/** Where to open a session, over implicit TLS (see `ImapMailboxSettings`). */
export interface ImapEndpoint {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
  /** 64 lower-case hex digits, already parsed. */
  readonly pin: string | undefined;
  readonly connectTimeoutMs: number;
}

/** An open IMAP session and what is known of it. */
export interface ImapSession {
  readonly client: ImapFlow;
  /** Set when the session broke (server gone, network, timeout) rather than being closed by us. */
  broken: ChannelError | undefined;
  /** Folders known to exist on this session. */
  readonly folders: Set<string>;
}

/**
 * Connects, checks the server's certificate (chain, name, pin) in the handshake, and logs in, all
 * within the connect timeout. Failures are `CHANNEL.*` errors (see {@link imapFailure}).
 */
export async function openImapSession(endpoint: ImapEndpoint): Promise<ImapSession> {
  const { host, port, ca, pin, connectTimeoutMs } = endpoint;
  const client = new ImapFlow({
    host,
    port,
    secure: true,
    auth: { user: endpoint.username, pass: endpoint.password },
    logger: false,
    connectionTimeout: connectTimeoutMs,
    greetingTimeout: connectTimeoutMs,
    tls: {
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
      ...(ca === undefined ? {} : { ca: typeof ca === 'string' || Buffer.isBuffer(ca) ? ca : [...ca] }),
      ...(pin === undefined ? {} : { checkServerIdentity: pinnedServerCheck(pin) }),
    },
  });
  const session: ImapSession = { client, broken: undefined, folders: new Set() };
  const lose = (detail: string, cause?: unknown): void => {
    session.broken ??= connectionLost(`the session with ${host}:${port}`, detail, cause);
  };
  // Without a listener an 'error' event would crash the process; it also means the session is gone.
  client.on('error', (error: unknown) => {
    lose(imapFailure(error, 'the IMAP session', 'command').message, error);
  });
  client.on('close', () => {
    if (!client.closedByClient) lose(client.byeReason === undefined ? 'the connection closed' : `the server said BYE ${client.byeReason}`);
  });
  const what = `open an IMAP session with ${endpoint.username}@${host}:${port}`;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.connect(),
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => {
          reject(new ChannelError(CHANNEL_ERRORS.CONNECT_TIMEOUT, `${what}: no session within ${connectTimeoutMs} ms`));
        }, connectTimeoutMs);
      }),
    ]);
  } catch (error) {
    client.close();
    throw imapFailure(error, what, 'connect');
  } finally {
    clearTimeout(timer);
  }
  return session;
}

/**
 * Runs one command on `session` within `timeoutMs`. A session that breaks under it is
 * `CHANNEL.IMAP_CONNECTION_LOST`; a timeout (`CHANNEL.TIMEOUT`) drops the session.
 */
export async function runImapCommand<T>(session: ImapSession, what: string, timeoutMs: number, run: (client: ImapFlow) => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      run(session.client),
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => {
          const timeout = new ChannelError(CHANNEL_ERRORS.TIMEOUT, `${what}: no answer within ${timeoutMs} ms`);
          session.broken ??= timeout;
          session.client.close();
          reject(timeout);
        }, timeoutMs);
      }),
    ]);
  } catch (error) {
    if (error instanceof ChannelError && error.code !== CHANNEL_ERRORS.IMAP_COMMAND_FAILED) throw error;
    // imapflow answers some broken sessions with `false` (a refused command) rather than an error.
    const broken = brokenOf(session);
    if (broken !== undefined) throw broken;
    if (!session.client.usable) throw connectionLost(what, 'the connection closed', error);
    throw error instanceof ChannelError ? error : imapFailure(error, what, 'command');
  } finally {
    clearTimeout(timer);
  }
}

/** Read through a call: the client's event handlers set it at any moment, which narrowing cannot see. */
function brokenOf(session: ImapSession): ChannelError | undefined {
  return session.broken;
}
