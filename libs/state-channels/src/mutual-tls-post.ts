import { createHash } from 'node:crypto';
import { request, type IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { Readable } from 'node:stream';
import { checkServerIdentity, connect, type PeerCertificate, type TLSSocket } from 'node:tls';
import { certificateValidity } from './certificate-validity.js';
import { outcomeOfError, outcomeOfResponse, type ChannelOutcome } from './channel-outcome.js';
import type { ClientIdentity } from './client-identity.js';
import { CHANNEL_ERRORS, ChannelError } from './errors.js';
import { parseSha256Pin } from './pin.js';

/** One POST to a State server over mutual TLS. */
export interface MutualTlsPost {
  /** `https://host[:port]/path` of the State's server. */
  readonly url: string | URL;
  /** The bytes, or a stream of them with its length (an archive of up to 150 MiB is never gathered in memory). */
  readonly body: Uint8Array | StreamedBody;
  /** Request headers (`Content-Type`…); `Content-Length` and `Authorization` are set here. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly identity: ClientIdentity;
  /** SHA-256 of the server leaf certificate's DER: hex, colon-separated, or `openssl x509 -fingerprint -sha256` output. */
  readonly pinnedSha256: string;
  /** CAs that the server's chain must verify against (PEM); Node's root store when absent. */
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
  /** TCP connection and TLS handshake together (DOMAIN.md §1.2: 60 s). */
  readonly connectTimeoutMs?: number;
  /** The whole exchange, from connecting to the last byte of the answer (DOMAIN.md §1.2: 180 s). */
  readonly totalTimeoutMs?: number;
  readonly basicAuth?: { readonly username: string; readonly password: string };
  /** The moment against which the client certificate's validity is checked. */
  readonly now?: Date;
}

/** A body sent as it is read, announced by its length. */
export interface StreamedBody {
  readonly stream: AsyncIterable<Uint8Array>;
  readonly length: number;
}

/** How much of the server's answer is kept. */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * POSTs `body` over HTTPS with the client certificate, to a server whose certificate must both chain
 * to `ca` and match the pin. Never throws: every end is a {@link ChannelOutcome}. Nothing is sent when
 * the client certificate is out of its validity (refused before connecting), nor when the server's
 * certificate is not the pinned one: the pin is checked inside the handshake, and the request (headers
 * and body) is written only once the TLS session is established and verified.
 */
export async function postOverMutualTls(post: MutualTlsPost): Promise<ChannelOutcome> {
  const connectTimeoutMs = post.connectTimeoutMs ?? 60_000;
  const totalTimeoutMs = post.totalTimeoutMs ?? 180_000;
  let url: URL;
  let pin: string;
  try {
    url = new URL(post.url);
    if (url.protocol !== 'https:') throw new ChannelError(CHANNEL_ERRORS.URL_INVALID, `${url.protocol} is not https:`);
    pin = parseSha256Pin(post.pinnedSha256);
    assertClientCertificateUsable(post.identity, post.now ?? new Date());
  } catch (error) {
    if (error instanceof TypeError) return { kind: 'refused', code: CHANNEL_ERRORS.URL_INVALID, reason: `${CHANNEL_ERRORS.URL_INVALID}: ${String(post.url)}` };
    return outcomeOfError(error);
  }

  const controller = new AbortController();
  const deadline = setTimeout(() => {
    controller.abort(new ChannelError(CHANNEL_ERRORS.TIMEOUT, `no complete answer within ${totalTimeoutMs} ms`));
  }, totalTimeoutMs);
  let socket: TLSSocket | undefined;
  try {
    socket = await connectPinned(url, pin, post, connectTimeoutMs, controller.signal);
    return await exchange(socket, url, post, controller.signal);
  } catch (error) {
    return outcomeOfError(error);
  } finally {
    clearTimeout(deadline);
    socket?.destroy();
  }
}

function assertClientCertificateUsable(identity: ClientIdentity, now: Date): void {
  const validity = certificateValidity(identity.certificate, now, 0);
  if (validity.status === 'expired') {
    throw new ChannelError(CHANNEL_ERRORS.CLIENT_CERT_EXPIRED, `the client certificate ${identity.certificate.subject} expired on ${validity.notAfter}`);
  }
  if (validity.status === 'not_yet_valid') {
    throw new ChannelError(CHANNEL_ERRORS.CLIENT_CERT_NOT_YET_VALID, `the client certificate ${identity.certificate.subject} is not valid before ${identity.certificate.validFrom}`);
  }
}

/** Opens a TLS session whose server certificate verified and matched the pin, within the connect timeout. */
function connectPinned(url: URL, pin: string, post: MutualTlsPost, timeoutMs: number, signal: AbortSignal): Promise<TLSSocket> {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const credentials = post.identity.credentials;
  return new Promise((resolve, reject) => {
    const socket = connect({
      host,
      port: url.port === '' ? 443 : Number(url.port),
      ...(isIP(host) === 0 ? { servername: host } : {}),
      ...(credentials.kind === 'pem'
        ? { cert: credentials.cert, key: credentials.key, passphrase: credentials.passphrase }
        : { pfx: credentials.pfx, passphrase: credentials.passphrase }),
      ...(post.ca === undefined ? {} : { ca: typeof post.ca === 'string' || Buffer.isBuffer(post.ca) ? post.ca : [...post.ca] }),
      rejectUnauthorized: true,
      // Runs after the chain verified and before 'secureConnect': a mismatch ends the handshake.
      checkServerIdentity: (hostname: string, cert: PeerCertificate) => {
        const nameError = checkServerIdentity(hostname, cert);
        if (nameError !== undefined) return nameError;
        const actual = createHash('sha256').update(cert.raw).digest('hex');
        if (actual === pin) return undefined;
        return new ChannelError(CHANNEL_ERRORS.SERVER_PIN_MISMATCH, `the server certificate ${String(cert.subject.CN)} has SHA-256 ${actual}, not the pinned ${pin}`);
      },
    });
    const fail = (error: Error): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      // Node's TLS errors may come from another realm: passed on as they are, `code` and all.
      reject(error);
    };
    const onAbort = (): void => {
      fail(signal.reason as Error);
    };
    const timer = setTimeout(() => {
      fail(new ChannelError(CHANNEL_ERRORS.CONNECT_TIMEOUT, `no TLS session with ${url.host} within ${timeoutMs} ms`));
    }, timeoutMs);
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('error', fail);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.off('error', fail);
      resolve(socket);
    });
  });
}

/** Sends the request over the verified session and reads the (bounded) answer. */
function exchange(socket: TLSSocket, url: URL, post: MutualTlsPost, signal: AbortSignal): Promise<ChannelOutcome> {
  const body = post.body;
  const length = body instanceof Uint8Array ? body.byteLength : body.length;
  const headers: Record<string, string> = { ...post.headers, 'content-length': String(length) };
  if (post.basicAuth !== undefined) {
    headers.authorization = `Basic ${Buffer.from(`${post.basicAuth.username}:${post.basicAuth.password}`).toString('base64')}`;
  }
  return new Promise((resolve, reject) => {
    const req = request({
      method: 'POST',
      host: url.hostname,
      port: url.port === '' ? 443 : Number(url.port),
      path: `${url.pathname}${url.search}`,
      headers,
      createConnection: () => socket,
    });
    // The caller destroys the socket once this settles; the deadline only has to settle it.
    signal.addEventListener('abort', () => {
      reject(signal.reason as Error);
    }, { once: true });
    req.once('error', reject);
    req.once('response', (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      response.on('data', (chunk: Buffer) => {
        if (kept < MAX_ANSWER_BYTES) chunks.push(chunk.subarray(0, MAX_ANSWER_BYTES - kept));
        kept += chunk.length;
      });
      response.once('error', reject);
      response.once('end', () => {
        resolve(outcomeOfResponse(response.statusCode ?? 0, Buffer.concat(chunks).toString('utf8')));
      });
    });
    if (body instanceof Uint8Array) req.end(body);
    else {
      // A stream that fails is the request's failure; the answer's promise settles through req's 'error'.
      Readable.from(body.stream).once('error', (error) => req.destroy(error)).pipe(req);
    }
  });
}
