import { Injectable, Logger } from '@nestjs/common';
import { isDomainError, type PackagedFile } from '@relais/domain';
import { PermanentError } from '@relais/messaging';
import type { Endpoint } from '@relais/routing';
import { Packager } from '../archives/packager.js';
import { PackagingError } from '../archives/packaging.errors.js';
import { StateChannels } from '../channels/state-channels.js';

/** Thrown when a message did not get through this time: the broker brings its request back after its delay. */
export class MessagePostponedError extends Error {
  override readonly name = 'MessagePostponedError';
  readonly code = 'TRANSMITTER.MESSAGE_POSTPONED';
}

/** A stored archive to send after an acte (6-1, an answer to a letter, a 7-1), and how to speak of it. */
export interface StoredMessage {
  /** For the logs and errors: `transmission X: 3-2 NAME`. */
  readonly what: string;
  readonly file: PackagedFile;
  /** The stable code of a `PermanentError` when the State refuses the archive for good. */
  readonly refusedCode: string;
}

/**
 * One attempt to hand a stored message archive to an @ctes endpoint: its bytes read back from the blob
 * store (checked against their size and hash) and POSTed under its name. Resolves once the State took
 * it; rejects with {@link MessagePostponedError} when it did not get through this time (no endpoint,
 * no answer, 5xx), with a `PermanentError` when it never can (bytes lost, refused for good).
 */
@Injectable()
export class MessageSender {
  private readonly logger = new Logger('MessageSender');

  constructor(
    private readonly packager: Packager,
    private readonly channels: StateChannels,
  ) {}

  async send(message: StoredMessage, endpoint: Endpoint | undefined, noEndpoint: string): Promise<void> {
    const { what, file } = message;
    let bytes: Buffer;
    try {
      bytes = await this.packager.bytesOf(file);
    } catch (error) {
      if (error instanceof PackagingError) throw new PermanentError(`${what}: ${error.message}`, error.code, { cause: error });
      throw error;
    }
    if (endpoint === undefined) throw new MessagePostponedError(`${what}: ${noEndpoint}`);
    const outcome = await this.channels.outbound(endpoint).send({
      fileName: file.fileName,
      size: file.size,
      contentType: 'application/gzip',
      open: () => Promise.resolve(bytes),
    });
    switch (outcome.kind) {
      case 'taken':
        if (outcome.answer !== 'accepted' && outcome.answer !== 'retry') {
          // Never expected: the State saw this message in another archive, or other bytes under this name.
          this.logger.error(`${what}: the State answered « ${outcome.answer} »`);
        }
        this.logger.log(`${what} taken by the State`);
        return;
      case 'unavailable':
        this.logger.warn(`${what} did not get through (${outcome.reason}); trying again later`);
        throw new MessagePostponedError(`${what}: ${outcome.reason}`);
      case 'refused':
        this.logger.error(`${what} refused by the State: ${outcome.reason}`);
        throw new PermanentError(`${what} refused: ${outcome.reason}`, message.refusedCode);
      default: {
        const unknown: never = outcome;
        throw new Error(`Unknown attempt outcome ${JSON.stringify(unknown)}`);
      }
    }
  }
}

/**
 * Runs the recording of a message sent; a refusal by the domain (the log holds another archive for it)
 * becomes a `PermanentError` under its code: the broker's retries could only meet it again.
 */
export async function recordSent<T>(what: string, record: () => Promise<T>): Promise<T> {
  try {
    return await record();
  } catch (error) {
    if (isDomainError(error)) throw new PermanentError(`${what}: ${error.message}`, error.code, { cause: error });
    throw error;
  }
}
