import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHANNEL_ERRORS } from '../errors.js';
import { readSecretFile } from './secret-file.js';

describe('readSecretFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'relais-secret-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const secretFile = async (name: string, content: string): Promise<string> => {
    const path = join(dir, name);
    await writeFile(path, content, { mode: 0o600 });
    return path;
  };

  it.each([
    ['a trailing newline', 'mot de passe\n', 'mot de passe'],
    ['a trailing CRLF', 'mot de passe\r\n', 'mot de passe'],
    ['no newline', 'mot de passe', 'mot de passe'],
    ['one newline only, the others and the spaces being the secret', ' s3cret \n\n', ' s3cret \n'],
  ])('reads a secret with %s', async (_label, content, secret) => {
    expect(await readSecretFile(await secretFile('pw', content))).toBe(secret);
  });

  it('refuses a missing or empty file with SECRET_UNREADABLE, naming the file and not the content', async () => {
    await expect(readSecretFile(join(dir, 'absent'))).rejects.toMatchObject({ code: CHANNEL_ERRORS.SECRET_UNREADABLE, message: expect.stringContaining(join(dir, 'absent')) });
    await expect(readSecretFile(await secretFile('empty', '\n'))).rejects.toMatchObject({ code: CHANNEL_ERRORS.SECRET_UNREADABLE });
  });
});
