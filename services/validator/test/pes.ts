import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// The real samples live beside the repository, never inside it: <repo>/../shared/data/pes.
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The path of a PES sample of the shared folder; fails plainly, naming the folder, when it is missing. */
export function sharedPesSample(name: string): string {
  const path = join(repoRoot, '..', 'shared', 'data', 'pes', name);
  if (!existsSync(path)) throw new Error(`The PES sample ${name} is missing from the shared folder next to the repository (${path})`);
  return path;
}
