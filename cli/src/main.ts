#!/usr/bin/env node
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import pg from 'pg';
import { EXIT, parseCommand, USAGE, UsageError, type Command } from './command.js';
import { countExport, exportLog } from './export.js';
import { progress } from './progress.js';
import { replay } from './replay.js';
import { verifyJson, verifyLog, verifyText } from './verify.js';

const databaseUrl = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/relais';

/** Runs one command; returns its exit code. */
async function run(command: Exclude<Command, { kind: 'help' }>): Promise<number> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const started = Date.now();
  try {
    if (command.kind === 'verify') {
      const report = await verifyLog(pool, {
        ...(command.from !== undefined && { from: command.from }),
        ...(command.to !== undefined && { to: command.to }),
        ...(command.seals !== undefined && { sealFile: command.seals }),
        ...(command.workers !== undefined && { workers: command.workers }),
        quiet: command.quiet,
      });
      const seconds = (Date.now() - started) / 1000;
      process.stdout.write(command.json ? verifyJson(report, seconds) : verifyText(report, seconds));
      return report.chain.ok && (report.seals?.ok ?? true) ? EXIT.ok : EXIT.altered;
    }
    if (command.kind === 'replay') return await replay(pool, command);
    const total = await countExport(pool, command.filter);
    const bar = progress('export', total, { quiet: command.quiet });
    const out: Writable = command.out === undefined ? process.stdout : createWriteStream(command.out);
    const written = await exportLog(pool, command.filter, command.format, out, (n) => { bar.update(n); });
    bar.finish(written);
    if (command.out !== undefined) {
      await new Promise<void>((resolve, reject) => {
        out.once('error', reject);
        out.end(resolve);
      });
    }
    const seconds = (Date.now() - started) / 1000;
    const summary = { written, format: command.format, ...(command.out !== undefined && { out: command.out }), seconds };
    if (command.json && command.out !== undefined) process.stdout.write(`${JSON.stringify(summary)}\n`);
    else if (command.out !== undefined) process.stdout.write(`${written.toLocaleString('en-US')} events written to ${command.out} in ${seconds.toFixed(1)} s\n`);
    else process.stderr.write(`${written.toLocaleString('en-US')} events exported in ${seconds.toFixed(1)} s\n`);
    return EXIT.ok;
  } finally {
    await pool.end();
  }
}

async function main(): Promise<number> {
  let command: Command;
  try {
    command = parseCommand(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`relais: ${error.message}\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  if (command.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  try {
    return await run(command);
  } catch (error) {
    process.stderr.write(`relais: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failed;
  }
}

process.exitCode = await main();
