import { outcomeOfResponse, type AttemptOutcome } from './delivery.decision.js';

/** Most of an answer's body read to describe it: the simulator's answers are a few hundred bytes. */
const MAX_ANSWER_CHARS = 4096;

/** The header that carries a PES file's `P_MSG` route (`PES#<CodCol>#<IdPost>#<CodBud>`) with its deposit. */
export const PES_ROUTING_HEADER = 'X-Pes-Routing';

/** The URL an archive is delivered to on an @ctes endpoint. */
export function archiveUrl(endpointUrl: string, fileName: string): string {
  return `${base(endpointUrl)}/sim/actes/${encodeURIComponent(fileName)}`;
}

/** The URL a PES file is deposited at on a Hélios endpoint. */
export function pesUrl(endpointUrl: string, fileName: string): string {
  return `${base(endpointUrl)}/sim/pes/${encodeURIComponent(fileName)}`;
}

/**
 * POSTs an archive and sorts what happened. The whole exchange, answer included, must end within
 * `timeoutMs`; past it the attempt is abandoned and counts as unavailable: the State may have taken
 * the bytes, which is why the next attempt sends the very same ones under the same name.
 */
export function postArchive(endpointUrl: string, fileName: string, bytes: DeliveryBody, timeoutMs: number): Promise<AttemptOutcome> {
  return postFile(archiveUrl(endpointUrl, fileName), { 'content-type': 'application/gzip' }, bytes, timeoutMs);
}

/** Deposits a PES file with its `P_MSG` route, as {@link postArchive} delivers an archive. */
export function postPesFile(endpointUrl: string, fileName: string, routing: string, bytes: DeliveryBody, timeoutMs: number): Promise<AttemptOutcome> {
  return postFile(pesUrl(endpointUrl, fileName), { 'content-type': 'application/xml', [PES_ROUTING_HEADER]: routing }, bytes, timeoutMs);
}

/** What an attempt sends: bytes in memory (small messages), or a stream made for this attempt (a file of any size). */
export type DeliveryBody = Uint8Array | AsyncIterable<Uint8Array>;

async function postFile(url: string, headers: Readonly<Record<string, string>>, bytes: DeliveryBody, timeoutMs: number): Promise<AttemptOutcome> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    // A stream body is sent as it is read (`duplex: 'half'`, chunked), never gathered first.
    const init: RequestInit & { duplex: 'half' } = { method: 'POST', headers, body: bytes, signal, duplex: 'half' };
    const response = await fetch(url, init);
    const body = (await response.text()).slice(0, MAX_ANSWER_CHARS);
    return outcomeOfResponse(response.status, body);
  } catch (error) {
    if (signal.aborted) return { kind: 'unavailable', reason: `no answer within ${timeoutMs} ms` };
    return { kind: 'unavailable', reason: `no connection: ${networkReason(error)}` };
  }
}

function base(endpointUrl: string): string {
  return endpointUrl.replace(/\/+$/, '');
}

function networkReason(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  if (typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string') return cause.code;
  return error instanceof Error ? error.message : String(error);
}
