import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { WEBHOOK_ADDRESS_NOT_ALLOWED, resolvedAddressProblem, webhookHostProblem } from '@relais/service-kit';

/** A webhook address refused before any byte was sent; `code` is {@link WEBHOOK_ADDRESS_NOT_ALLOWED}. */
export class AddressNotAllowedError extends Error {
  override readonly name = 'AddressNotAllowedError';
  readonly code = WEBHOOK_ADDRESS_NOT_ALLOWED;
}

/** How a name is resolved: `dns.lookup`'s shape, every address at once. */
export type Resolve = (
  hostname: string,
  family: number,
  done: (error: NodeJS.ErrnoException | null, addresses: readonly LookupAddress[]) => void,
) => void;

const systemResolve: Resolve = (hostname, family, done) => {
  dnsLookup(hostname, { all: true, family, verbatim: true }, (error, addresses) => {
    done(error, addresses);
  });
};

/**
 * A `lookup` for the socket that resolves the name once, refuses it when any of its addresses is not
 * public, and hands the socket the addresses it checked: the connection goes where the check looked,
 * whatever the name answers a moment later (DNS rebinding). One private address among public ones is
 * refused too, since the socket may try any of them.
 */
export function guardedLookup(allowPrivate: boolean, resolve: Resolve = systemResolve): LookupFunction {
  return (hostname, options, callback) => {
    const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : (options.family ?? 0);
    resolve(hostname, family, (error, addresses) => {
      if (error !== null) {
        callback(error, '', 0);
        return;
      }
      const problem = allowPrivate ? undefined : addresses.map((a) => resolvedAddressProblem(hostname, a.address)).find((p) => p !== undefined);
      if (problem !== undefined || addresses.length === 0) {
        callback(new AddressNotAllowedError(problem ?? `${hostname} resolves to no address`), '', 0);
        return;
      }
      if (options.all === true) {
        callback(null, [...addresses]);
        return;
      }
      const [first] = addresses;
      callback(null, first?.address ?? '', first?.family ?? 4);
    });
  };
}

/** One POST to a webhook. */
export interface GuardedPost {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly timeoutMs: number;
  /** Whether non-public addresses may be reached (`RELAIS_WEBHOOK_ALLOW_PRIVATE`). */
  readonly allowPrivate: boolean;
  /** How names are resolved (the system's resolver unless a test says otherwise). */
  readonly resolve?: Resolve;
}

/**
 * POSTs `body` to a webhook and answers the HTTP status; redirects are not followed, the answer's body
 * is read and dropped. A literal address is checked before connecting (a socket does not resolve it), a
 * name through {@link guardedLookup}.
 * @throws AddressNotAllowedError `WEBHOOK.ADDRESS_NOT_ALLOWED` before anything is sent; any network
 * error or the timeout otherwise
 */
export function postGuarded(post: GuardedPost): Promise<number> {
  const url = new URL(post.url);
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (!post.allowPrivate) {
    // An IP literal, or `localhost`, which some resolvers answer without asking DNS.
    const problem = webhookHostProblem(url.hostname);
    if (problem !== undefined) return Promise.reject(new AddressNotAllowedError(problem));
  }
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<number>((resolve, reject) => {
    const request = send(
      url,
      {
        method: 'POST',
        headers: { ...post.headers, 'content-length': Buffer.byteLength(post.body).toString() },
        signal: AbortSignal.timeout(post.timeoutMs),
        ...(isIP(hostname) === 0 ? { lookup: guardedLookup(post.allowPrivate, post.resolve) } : {}),
      },
      (response: IncomingMessage) => {
        response.resume();
        response.on('end', () => {
          resolve(response.statusCode ?? 0);
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(post.body);
  });
}
