import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PES_SAMPLE, pesAllerBuffer, pesAllerShapes } from '@relais/pes/testing';
import { SimServer } from '../../test/sim-server.js';

/** The folders an SFTP server serves: the bridge reads and writes them as the DGFiP's side does. */
let dir: string;
let depot: string;
let retours: string;
let sim: SimServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'relais-sim-sftp-'));
  depot = join(dir, 'depot');
  retours = join(dir, 'retours');
  await Promise.all([mkdir(depot), mkdir(retours)]);
  sim = await SimServer.start({ sftp: { depositDir: depot, returnsDir: retours } });
});

afterAll(async () => {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

const nameN = (n: number): string => `PESALR2_${PES_SAMPLE.siret}_260315_${String(n).padStart(3, '0')}.xml`;

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the simulated DGFiP behind SFTP folders', () => {
  it('takes in a complete deposit (its route read from its EnTetePES), removes it, and writes its PES_Acquit into the returns folder', async () => {
    const bytes = await pesAllerBuffer(pesAllerShapes.mixed());
    await writeFile(join(depot, nameN(1)), bytes);
    const acquit = await until('the acquittal', async () => (await readdir(retours)).find((name) => !name.endsWith('.part')));
    expect(existsSync(join(depot, nameN(1)))).toBe(false);
    const content = (await readFile(join(retours, acquit))).toString('latin1');
    expect(content).toContain('PES_ACQUIT');
    // The simulator's HTTP list is empty: the answer went to the folder.
    expect(await (await fetch(`${sim.base}/sim/pes/returns`)).json()).toEqual({ items: [] });
    const received = (await fetch(`${sim.base}/sim/pes/${nameN(1)}`)).status;
    expect(received).toBe(200);
  });

  it('never reads a file still being written (.part), and takes it once renamed', async () => {
    const bytes = await pesAllerBuffer(pesAllerShapes.depense());
    await writeFile(join(depot, `${nameN(2)}.part`), bytes);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await fetch(`${sim.base}/sim/pes/${nameN(2)}`)).status).toBe(404);
    await writeFile(join(depot, nameN(2)), bytes);
    await rm(join(depot, `${nameN(2)}.part`));
    await until('the second deposit taken in', async () => ((await fetch(`${sim.base}/sim/pes/${nameN(2)}`)).status === 200 ? true : undefined));
  });

  it('renames a deposit its checks refuse to .refused and leaves it there', async () => {
    await writeFile(join(depot, 'not-a-pes-name.xml'), '<PES_Aller/>');
    await until('the refusal', () => Promise.resolve(existsSync(join(depot, 'not-a-pes-name.xml.refused')) ? true : undefined));
  });
});
