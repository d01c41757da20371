import type { IncomingMessage } from 'node:http';

/**
 * Reads and discards what is left of a request body, so that an answer sent before the body was read
 * (a refusal) reaches a client that is still sending; resolves true once the body has ended, false
 * when more than `maxBytes` were left (the caller should then close the connection).
 */
export function drainRequest(request: IncomingMessage, maxBytes: number): Promise<boolean> {
  if (request.readableEnded || request.destroyed) return Promise.resolve(true);
  return new Promise((resolve) => {
    let drained = 0;
    const done = (ended: boolean): void => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onFailure);
      request.off('close', onFailure);
      resolve(ended);
    };
    const onData = (chunk: Buffer): void => {
      drained += chunk.byteLength;
      if (drained > maxBytes) {
        request.pause();
        done(false);
      }
    };
    const onEnd = (): void => {
      done(true);
    };
    const onFailure = (): void => {
      done(false);
    };
    request.on('data', onData);
    request.once('end', onEnd);
    request.once('error', onFailure);
    request.once('close', onFailure);
    // Whoever was reading it (busboy) has let go: take the flow back.
    request.unpipe();
    request.resume();
  });
}
