import type { LoggerService } from '@nestjs/common';
import { NestApplicationContextOptions } from '@nestjs/common/interfaces/nest-application-context-options.interface.js';

/** A Nest logger that keeps every line (`<context>: <message>`) instead of printing it. */
export class RecordingLogger implements LoggerService {
  readonly lines: string[] = [];
  log(message: unknown, context?: string): void {
    this.keep(message, context);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.keep(message, rest.at(-1));
  }
  warn(message: unknown, context?: string): void {
    this.keep(message, context);
  }
  private keep(message: unknown, context: unknown): void {
    this.lines.push(`${typeof context === 'string' ? context : ''}: ${String(message)}`);
  }
}

/** Application context options logging into `logger`. */
export function recordingTo(logger: RecordingLogger): NestApplicationContextOptions {
  return Object.assign(new NestApplicationContextOptions(), { logger });
}

/** Application context options without Nest's console logging. */
export function quiet(): NestApplicationContextOptions {
  return Object.assign(new NestApplicationContextOptions(), { logger: false as const });
}
