import { readFile } from 'node:fs/promises';
import { CHANNEL_ERRORS, ChannelError, errorCode, messageOf } from '../errors.js';

/**
 * Reads a secret (a password) from the file an operator or an orchestrator mounted for it, without
 * the line end that editors and `echo` add. A missing, unreadable or empty file is
 * `CHANNEL.SECRET_UNREADABLE`; the error names the file, never its content.
 */
export async function readSecretFile(path: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ChannelError(CHANNEL_ERRORS.SECRET_UNREADABLE, `cannot read the secret file ${path} (${errorCode(error) ?? messageOf(error)})`, { cause: error });
  }
  const secret = text.replace(/\r?\n$/, '');
  if (secret === '') throw new ChannelError(CHANNEL_ERRORS.SECRET_UNREADABLE, `the secret file ${path} is empty`);
  return secret;
}
