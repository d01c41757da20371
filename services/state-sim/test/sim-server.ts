import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestApplicationContextOptions } from '@nestjs/common/interfaces/nest-application-context-options.interface.js';
import { NestFactory } from '@nestjs/core';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from '@jest/globals';
import { AppModule } from '../src/app.module.js';
import type { StateSimConfig } from '../src/config.js';

/** `GET /sim/mailbox`. */
export interface MailboxBody {
  items: { id: number; kind: string; archiveName: string; receivedFor?: string; files: { name: string; contentBase64: string }[] }[];
  next?: number;
}

/** `GET /sim/pes/returns`. */
export interface PesReturnsBody {
  items: { id: number; kind: 'PES_Acquit' | 'PES_NonAcquit' | 'PES_Retour'; fileName: string; receivedFor?: string; contentBase64: string }[];
  next?: number;
}

/** The simulator in this test process, over real HTTP on a free port. */
export class SimServer {
  private constructor(
    private readonly app: INestApplication,
    readonly base: string,
  ) {}

  /** `options`: the real channels' settings (`sftp`, `imap`, `tls`), absent by default. */
  static async start(options: Partial<StateSimConfig> = {}): Promise<SimServer> {
    const app = await NestFactory.create(
      AppModule.forConfig({
        port: 0,
        ackDelayMs: 20,
        anomalyRate: 0,
        pesPartialRate: 0,
        pesNackRate: 0,
        pesNonAcquitRate: 0,
        seed: 7,
        maxArchiveBytes: 16 * 1024 * 1024,
        bridgeIntervalMs: 50,
        ...options,
      }),
      Object.assign(new NestApplicationContextOptions(), { logger: false }),
    );
    await app.listen(0, '127.0.0.1');
    const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
    return new SimServer(app, `http://127.0.0.1:${port.toString()}`);
  }

  async reset(): Promise<void> {
    expect((await fetch(`${this.base}/sim/reset`, { method: 'POST' })).status).toBe(200);
  }

  deliver(name: string, bytes: Buffer): Promise<Response> {
    return fetch(`${this.base}/sim/actes/${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/gzip' },
      body: bytes,
    });
  }

  configure(settings: Record<string, unknown>): Promise<Response> {
    return fetch(`${this.base}/sim/config`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(settings),
    });
  }

  /** `POST /sim/actes/:idActe/messages`: a letter of the préfecture. */
  sendMessage(idActe: string, body: unknown): Promise<Response> {
    return fetch(`${this.base}/sim/actes/${encodeURIComponent(idActe)}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  async stats(): Promise<Record<string, unknown>> {
    return (await (await fetch(`${this.base}/sim/stats`)).json()) as Record<string, unknown>;
  }

  async mailbox(query = ''): Promise<MailboxBody> {
    return (await (await fetch(`${this.base}/sim/mailbox${query}`)).json()) as MailboxBody;
  }

  /** Polls the mailbox until it holds `count` replies (2 s at most). */
  async waitForMail(count: number): Promise<MailboxBody> {
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const page = await this.mailbox();
      if (page.items.length >= count) return page;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`fewer than ${count.toString()} replies in the mailbox after 2 s`);
  }

  /** `POST /sim/pes/:fileName` with the P_MSG routing (none when `routing` is undefined). */
  depositPes(fileName: string, bytes: Uint8Array, routing: string | undefined, contentType = 'application/xml'): Promise<Response> {
    return fetch(`${this.base}/sim/pes/${encodeURIComponent(fileName)}`, {
      method: 'POST',
      headers: { 'content-type': contentType, ...(routing === undefined ? {} : { 'x-pes-routing': routing }) },
      body: bytes,
    });
  }

  async pesReturns(query = ''): Promise<PesReturnsBody> {
    return (await (await fetch(`${this.base}/sim/pes/returns${query}`)).json()) as PesReturnsBody;
  }

  /** Polls the DGFiP's returns until they hold `count` files (2 s at most). */
  async waitForPesReturns(count: number): Promise<PesReturnsBody> {
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const page = await this.pesReturns();
      if (page.items.length >= count) return page;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`fewer than ${count.toString()} DGFiP returns after 2 s`);
  }

  close(): Promise<void> {
    return this.app.close();
  }
}
