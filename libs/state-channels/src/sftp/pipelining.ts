/**
 * The bytes of `body` in pieces of `size` bytes (the last one may be shorter), whatever the sizes of
 * the pieces the source yields: large ones are cut without copying, small ones gathered into a copy
 * (so a source that reuses its buffer once it has yielded cannot change bytes not yet sent).
 */
export async function* chunksOf(body: Uint8Array | AsyncIterable<Uint8Array>, size: number): AsyncGenerator<Buffer> {
  const pieces = body instanceof Uint8Array ? [body] : body;
  let gathered: Buffer[] = [];
  let gatheredBytes = 0;
  for await (const piece of pieces) {
    let rest = Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    while (rest.length > 0) {
      if (gatheredBytes === 0 && rest.length >= size) {
        yield rest.subarray(0, size);
        rest = rest.subarray(size);
        continue;
      }
      const taken = Math.min(size - gatheredBytes, rest.length);
      gathered.push(Buffer.from(rest.subarray(0, taken)));
      gatheredBytes += taken;
      rest = rest.subarray(taken);
      if (gatheredBytes === size) {
        yield Buffer.concat(gathered, gatheredBytes);
        gathered = [];
        gatheredBytes = 0;
      }
    }
  }
  if (gatheredBytes > 0) yield Buffer.concat(gathered, gatheredBytes);
}

/**
 * Runs `task` on each item of `items`, at most `limit` at once, taking the next item only when a
 * place is free: a streamed source is never read further ahead than the window. This is how SFTP goes
 * fast over a long round trip: several WRITE or READ requests in flight instead of one at a time.
 * On the first failure (of a task or of the source) it takes no more items, waits for the tasks still
 * running, and rejects with that failure.
 */
export async function eachAtMost<T>(items: AsyncIterable<T> | Iterable<T>, limit: number, task: (item: T) => Promise<void>): Promise<void> {
  const running = new Set<Promise<void>>();
  let failure: { readonly error: unknown } | undefined;
  try {
    for await (const item of items) {
      const run: Promise<void> = task(item)
        .catch((error: unknown) => {
          failure ??= { error };
        })
        .finally(() => running.delete(run));
      running.add(run);
      if (running.size >= limit) await Promise.race(running);
      if (failure !== undefined) break;
    }
  } catch (error) {
    failure ??= { error };
  }
  await Promise.all(running);
  if (failure !== undefined) throw failure.error;
}
