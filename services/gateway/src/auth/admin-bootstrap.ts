import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { generateToken } from './token.js';

/** Where the bootstrap administrator's token came from. */
export type AdminTokenSource = { readonly kind: 'setting' } | { readonly kind: 'file'; readonly path: string; readonly created: boolean };

/**
 * The bootstrap administrator's token: the one chosen in `RELAIS_ADMIN_TOKEN` when set; otherwise
 * the one in `file`, made at first start with mode 0600 (exclusive create: of two processes starting
 * together, one writes and the other reads what it wrote).
 */
export async function bootstrapAdminToken(
  chosen: string | undefined,
  file: string,
): Promise<{ readonly token: string; readonly source: AdminTokenSource }> {
  if (chosen !== undefined) return { token: chosen, source: { kind: 'setting' } };
  const existing = await readToken(file);
  if (existing !== undefined) return { token: existing, source: { kind: 'file', path: file, created: false } };
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const token = generateToken();
  try {
    await writeFile(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if (errorCode(error) === 'EEXIST') {
      // Another process won the race between the read and the write: its token is the one.
      const written = await readToken(file);
      if (written !== undefined) return { token: written, source: { kind: 'file', path: file, created: false } };
    }
    throw error;
  }
  return { token, source: { kind: 'file', path: file, created: true } };
}

async function readToken(file: string): Promise<string | undefined> {
  try {
    const token = (await readFile(file, 'utf8')).trim();
    return token === '' ? undefined : token;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

/** The `code` of a Node.js system error (read structurally: such errors may come from another realm). */
function errorCode(error: unknown): unknown {
  return typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
}
