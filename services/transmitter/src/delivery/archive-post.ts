import { outcomeOfResponse, type AttemptOutcome } from './delivery.decision.js';

/** Most of an answer's body read to describe it: the simulator's answers are a few hundred bytes. */
const MAX_ANSWER_CHARS = 4096;

/** The URL an archive is delivered to on an @ctes endpoint. */
export function archiveUrl(endpointUrl: string, fileName: string): string {
  return `${endpointUrl.replace(/\/+$/, '')}/sim/actes/${encodeURIComponent(fileName)}`;
}

/**
 * POSTs an archive and sorts what happened. The whole exchange, answer included, must end within
 * `timeoutMs`; past it the attempt is abandoned and counts as unavailable: the State may have taken
 * the bytes, which is why the next attempt sends the very same ones under the same name.
 */
export async function postArchive(endpointUrl: string, fileName: string, bytes: Uint8Array, timeoutMs: number): Promise<AttemptOutcome> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(archiveUrl(endpointUrl, fileName), {
      method: 'POST',
      headers: { 'content-type': 'application/gzip' },
      body: bytes,
      signal,
    });
    const body = (await response.text()).slice(0, MAX_ANSWER_CHARS);
    return outcomeOfResponse(response.status, body);
  } catch (error) {
    if (signal.aborted) return { kind: 'unavailable', reason: `no answer within ${timeoutMs} ms` };
    return { kind: 'unavailable', reason: `no connection: ${networkReason(error)}` };
  }
}

function networkReason(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  if (typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string') return cause.code;
  return error instanceof Error ? error.message : String(error);
}
