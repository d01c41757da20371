import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(root, 'cli', 'dist', 'main.js');
const VERIFIER = join(root, 'docs', 'verify-export.py');

/** What a process printed and how it ended. */
export interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function ran(file: string, args: readonly string[], env?: NodeJS.ProcessEnv): Promise<Ran> {
  try {
    const { stdout, stderr } = await run(file, [...args], env === undefined ? {} : { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

/** `relais <args>` (the built cli/dist/main.js) on the database at `databaseUrl`. */
export function cli(databaseUrl: string, args: readonly string[]): Promise<Ran> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npx nx run cli:build)`);
  return ran(process.execPath, [CLI, ...args], { ...process.env, DATABASE_URL: databaseUrl });
}

/** The outside procedure: `python3 docs/verify-export.py <args>`, Python's standard library only. */
export async function verifyExport(...args: string[]): Promise<{ code: number; out: string }> {
  const { code, stdout } = await ran('python3', [VERIFIER, ...args]);
  return { code, out: stdout };
}
