import { Body, Controller, Get, Header, Headers, HttpCode, HttpException, HttpStatus, Param, Post, Query, Req, StreamableFile } from '@nestjs/common';
import { isNumAnoAck, NUM_ANO_ACK_CODES } from '@relais/pes';
import type { IncomingMessage } from 'node:http';

import { readBoundedBody } from './body.read.js';
import { COURRIER_CODES, type CourrierCode, isCourrierCode } from './courrier.codes.js';
import { isIsoDay } from './day.js';
import type { Stats } from './ledger.js';
import type { SentCourrier } from './prefecture.js';
import { SimError, SimErrorCode } from './sim.errors.js';
import { NOT_XML, failure, integerParam, mediaTypeOf, statusOf } from './sim.http.js';
import type { RuntimeSettings } from './runtime-settings.js';
import { SimService } from './sim.service.js';

/** A mailbox item as `GET /sim/mailbox` sends it. */
interface MailboxItemBody {
  readonly id: number;
  readonly kind: string;
  readonly archiveName: string;
  readonly receivedFor?: string;
  readonly files: readonly { readonly name: string; readonly contentBase64: string }[];
}

const GZIP_TYPES = new Set(['application/gzip', 'application/x-gzip', 'application/octet-stream']);

function settingsChange(body: unknown): Partial<RuntimeSettings> {
  const bad = (message: string): HttpException => failure(HttpStatus.BAD_REQUEST, SimErrorCode.InvalidConfig, message);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw bad('The body must be a JSON object.');
  const change: { -readonly [K in keyof RuntimeSettings]?: RuntimeSettings[K] } = {};
  for (const [key, value] of Object.entries(body)) {
    if (key === 'ackDelayMs' || key === 'failNext' || key === 'slowNext' || key === 'slowAnswerMs' || key === 'envelopeAnomalyNext') {
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw bad(`${key} must be a non-negative integer.`);
      change[key] = value;
    } else if (key === 'hang') {
      if (typeof value !== 'boolean') throw bad('hang must be true or false.');
      change.hang = value;
    } else if (key === 'anomalyRate' || key === 'pesPartialRate' || key === 'pesNackRate' || key === 'pesNonAcquitRate') {
      if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw bad(`${key} must be a number from 0 to 1.`);
      change[key] = value;
    } else if (key === 'pesErrorCode') {
      // null goes back to the defaults (ERREUR_PJ, ERREUR_CODIFICATION, ERREUR_SIRET).
      if (value === null) change.pesErrorCode = undefined;
      else if (typeof value === 'string' && isNumAnoAck(value)) change.pesErrorCode = value;
      else throw bad(`pesErrorCode must be null or one of ${NUM_ANO_ACK_CODES.join(', ')}.`);
    } else if (key === 'classificationDate') {
      if (typeof value !== 'string' || !isIsoDay(value)) throw bad('classificationDate must be a YYYY-MM-DD date.');
      change.classificationDate = value;
    } else {
      throw bad(`Unknown setting « ${key} ».`);
    }
  }
  return change;
}

/** Longest free text a letter may carry (`DescriptionPieces`, `Motif`, `NatureIllegalite`). */
const MAX_TEXT_LENGTH = 10_000;

/** `{code, text?}` of `POST /sim/actes/:idActe/messages`, checked. */
function courrierRequest(body: unknown): { code: CourrierCode; text: string | undefined } {
  const bad = (message: string): HttpException => failure(HttpStatus.BAD_REQUEST, SimErrorCode.InvalidMessage, message);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw bad('The body must be a JSON object {code, text?}.');
  const { code, text, ...rest } = body as Record<string, unknown>;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) throw bad(`Unknown field « ${unknown} ».`);
  if (!isCourrierCode(code)) {
    throw failure(HttpStatus.BAD_REQUEST, SimErrorCode.InvalidMessageCode, `code must be one of ${COURRIER_CODES.join(', ')}.`);
  }
  if (text === undefined) return { code, text: undefined };
  if (typeof text !== 'string' || text.trim() === '' || text.length > MAX_TEXT_LENGTH || NOT_XML.test(text)) {
    throw bad(`text must be a non-blank string of at most ${MAX_TEXT_LENGTH} characters that XML can carry.`);
  }
  return { code, text };
}

/** The simulated ministry's HTTP face: decodes, checks, calls {@link SimService}, maps errors to statuses. */
@Controller()
export class SimController {
  constructor(private readonly sim: SimService) {}

  @Get('health')
  health(): { status: string } {
    return { status: 'ok' };
  }

  @Post('sim/actes/:archiveName')
  @HttpCode(HttpStatus.OK)
  async deliverActe(
    @Param('archiveName') archiveName: string,
    @Headers('content-type') contentType: string | undefined,
    @Req() request: IncomingMessage,
  ): Promise<{ outcome: string }> {
    const mediaType = mediaTypeOf(contentType);
    try {
      if (!GZIP_TYPES.has(mediaType)) {
        throw new SimError(SimErrorCode.UnsupportedMediaType, `Expected application/gzip, got « ${mediaType} ».`);
      }
      const body = await readBoundedBody(request, this.sim.maxArchiveBytes);
      const result = await this.sim.deliverActe(archiveName, body);
      if (result.status === 'unavailable') {
        throw failure(HttpStatus.SERVICE_UNAVAILABLE, SimErrorCode.Unavailable, 'Simulated outage (failNext or hang).');
      }
      return { outcome: result.outcome };
    } catch (error) {
      if (error instanceof SimError) throw failure(statusOf(error.code), error.code, error.message);
      throw error;
    }
  }

  /** A letter of the préfecture about an acte it acknowledged (2-1, 3-1, 4-1, 5-1), put in the mailbox at once. */
  @Post('sim/actes/:idActe/messages')
  @HttpCode(HttpStatus.CREATED)
  sendCourrier(@Param('idActe') idActe: string, @Body() body: unknown): SentCourrier {
    const { code, text } = courrierRequest(body);
    try {
      return this.sim.sendCourrier(idActe, code, text);
    } catch (error) {
      if (error instanceof SimError) throw failure(statusOf(error.code), error.code, error.message);
      throw error;
    }
  }

  /** The bytes the simulator first received under an archive name, for tests and demos to inspect. */
  @Get('sim/actes/:archiveName')
  @Header('content-type', 'application/gzip')
  receivedArchive(@Param('archiveName') archiveName: string): StreamableFile {
    const bytes = this.sim.receivedArchive(archiveName);
    if (bytes === undefined) {
      throw failure(HttpStatus.NOT_FOUND, SimErrorCode.UnknownArchive, `No archive received under « ${archiveName} ».`);
    }
    return new StreamableFile(bytes);
  }

  @Get('sim/mailbox')
  mailbox(
    @Query('after') after: string | undefined,
    @Query('limit') limit: string | undefined,
  ): { items: MailboxItemBody[]; next?: number } {
    const page = this.sim.listMailbox(
      integerParam('after', after, 0, 0, Number.MAX_SAFE_INTEGER),
      integerParam('limit', limit, 100, 1, 1000),
    );
    const items = page.items.map((item) => ({
      id: item.id,
      kind: item.kind,
      archiveName: item.archiveName,
      ...(item.receivedFor === undefined ? {} : { receivedFor: item.receivedFor }),
      files: item.files.map((file) => ({ name: file.name, contentBase64: file.content.toString('base64') })),
    }));
    return page.next === undefined ? { items } : { items, next: page.next };
  }

  @Post('sim/mailbox/:id/ack')
  @HttpCode(HttpStatus.OK)
  ack(@Param('id') id: string): { id: number; acked: boolean } {
    const value = integerParam('id', id, 0, 1, Number.MAX_SAFE_INTEGER);
    if (!this.sim.ackMailbox(value)) {
      throw failure(HttpStatus.NOT_FOUND, SimErrorCode.UnknownMailboxItem, `No mailbox item ${value}.`);
    }
    return { id: value, acked: true };
  }

  @Get('sim/stats')
  stats(): Stats {
    return this.sim.stats();
  }

  @Post('sim/reset')
  @HttpCode(HttpStatus.OK)
  reset(): { reset: boolean } {
    this.sim.reset();
    return { reset: true };
  }

  @Post('sim/config')
  @HttpCode(HttpStatus.OK)
  configure(@Body() body: unknown): RuntimeSettings {
    return this.sim.configure(settingsChange(body));
  }
}
