import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { createReadStream } from 'node:fs';
import { open, readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StateSimConfig } from '../config.js';
import { SimError } from '../sim/sim.errors.js';
import { SimService } from '../sim/sim.service.js';
import { STATE_SIM_CONFIG } from '../tokens.js';
import { routingOfPesHead } from './pes-head.js';

/** Suffix of a file being written, never read as a whole file. */
const PART = '.part';
/** Suffix a refused deposit is renamed to, so that it is looked at once. */
const REFUSED = '.refused';

/**
 * The simulated DGFiP behind a real SFTP server (issue 6): the server's deposit folder is read as the
 * DGFiP's gateway reads it (each complete file taken in, its route read from its EnTetePES since SFTP
 * has no `P_MSG` site command, then removed), and each answer (PES_Acquit, PES_NonAcquit, PES_Retour)
 * is written into the returns folder (as `.part`, then renamed, so that a reader never sees half a
 * file), where the operator collects and removes it. A deposit refused by the checks is renamed
 * `.refused` and left there; during a simulated outage files wait for the next pass.
 */
@Injectable()
export class SftpBridge implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('SftpBridge');
  private readonly stopping = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(
    private readonly sim: SimService,
    @Inject(STATE_SIM_CONFIG) private readonly config: StateSimConfig,
  ) {}

  onApplicationBootstrap(): void {
    const sftp = this.config.sftp;
    if (sftp === undefined) return;
    this.logger.log(`DGFiP deposits read from ${sftp.depositDir}, answers written to ${sftp.returnsDir}`);
    this.loop = this.run(sftp);
  }

  private async run(sftp: NonNullable<StateSimConfig['sftp']>): Promise<void> {
    while (!this.stopping.signal.aborted) {
      try {
        await this.takeDeposits(sftp.depositDir);
        await this.writeReturns(sftp.returnsDir);
      } catch (error) {
        this.logger.warn(`pass failed, trying again: ${error instanceof Error ? error.message : String(error)}`);
      }
      await sleep(this.config.bridgeIntervalMs, undefined, { signal: this.stopping.signal }).catch(() => undefined);
    }
  }

  /** Takes in every complete file of the deposit folder, oldest first. */
  async takeDeposits(dir: string): Promise<void> {
    const names = (await readdir(dir)).filter((name) => !name.startsWith('.') && !name.endsWith(PART) && !name.endsWith(REFUSED));
    const files = await Promise.all(names.map(async (name) => ({ name, info: await stat(join(dir, name)).catch(() => undefined) })));
    files.sort((a, b) => (a.info?.mtimeMs ?? 0) - (b.info?.mtimeMs ?? 0) || a.name.localeCompare(b.name));
    for (const { name, info } of files) {
      if (this.stopping.signal.aborted) return;
      if (info?.isFile() !== true) continue;
      const path = join(dir, name);
      try {
        const result = await this.sim.deliverPes({ fileName: name, routing: await routingOf(path), body: bytesOf(path) });
        if (result.status === 'unavailable') return; // a simulated outage: the files wait
        this.logger.log(`${name} taken in: ${result.outcome}`);
        await unlink(path);
      } catch (error) {
        if (!(error instanceof SimError)) throw error;
        this.logger.warn(`${name} refused: ${error.code} ${error.message}`);
        await rename(path, `${path}${REFUSED}`);
      }
    }
  }

  /** Writes every answer waiting in the simulator into the returns folder, then forgets it there. */
  async writeReturns(dir: string): Promise<void> {
    for (;;) {
      const page = this.sim.listPesReturns(0, 100);
      if (page.items.length === 0) return;
      for (const item of page.items) {
        const path = join(dir, item.fileName);
        await writeFile(`${path}${PART}`, item.content);
        await rename(`${path}${PART}`, path);
        this.sim.ackPesReturn(item.id);
      }
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await this.loop;
  }
}

/** The file's bytes, opened only if the deposit is read (one refused by its name never is). */
async function* bytesOf(path: string): AsyncGenerator<Buffer> {
  for await (const chunk of createReadStream(path)) yield chunk as Buffer;
}

async function routingOf(path: string): Promise<string | undefined> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return routingOfPesHead(head.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}
