import { Body, Controller, Get, Header, Headers, HttpCode, HttpException, HttpStatus, Param, Post, Query, Req, StreamableFile } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';

import type { PesRetourRequest, PesReturnKind, SentPesRetour } from './dgfip.js';
import { SimError, SimErrorCode } from './sim.errors.js';
import { NOT_XML, failure, integerParam, mediaTypeOf, statusOf } from './sim.http.js';
import { SimService } from './sim.service.js';

/** A DGFiP file as `GET /sim/pes/returns` sends it. */
interface PesReturnBody {
  readonly id: number;
  readonly kind: PesReturnKind;
  readonly fileName: string;
  readonly receivedFor?: string;
  readonly contentBase64: string;
}

const XML_TYPES = new Set(['application/xml', 'text/xml']);
/** Longest text a PES_Retour carries (the length of a `LibelleAnoAck`). */
const MAX_RETOUR_TEXT = 500;

/** `{siret, idPost?, codCol?, text?}` of `POST /sim/pes/retours`, checked. */
function retourRequest(body: unknown): PesRetourRequest {
  const bad = (message: string): HttpException => failure(HttpStatus.BAD_REQUEST, SimErrorCode.InvalidPesRetour, message);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw bad('The body must be a JSON object {siret, idPost?, codCol?, text?}.');
  const { siret, idPost, codCol, text, ...rest } = body as Record<string, unknown>;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) throw bad(`Unknown field « ${unknown} ».`);
  if (typeof siret !== 'string' || !/^[0-9]{14}$/.test(siret)) throw bad('siret must be 14 digits.');
  if (idPost !== undefined && (typeof idPost !== 'string' || !/^[0-9A-Za-z]{1,7}$/.test(idPost))) throw bad('idPost must be 1 to 7 letters or digits.');
  if (codCol !== undefined && (typeof codCol !== 'string' || !/^[0-9A-Za-z]{1,3}$/.test(codCol))) throw bad('codCol must be 1 to 3 letters or digits.');
  if (text !== undefined && (typeof text !== 'string' || text.trim() === '' || text.length > MAX_RETOUR_TEXT || NOT_XML.test(text))) {
    throw bad(`text must be a non-blank string of at most ${MAX_RETOUR_TEXT} characters that XML can carry.`);
  }
  return { siret, idPost, codCol, text };
}

/**
 * The simulated DGFiP's HTTP face: the gateway where PES_Aller files are deposited, and the server where
 * its answers wait for the operator. Decodes, checks, calls {@link SimService}, maps errors to statuses.
 * The fixed paths come before `:fileName`, which would take them otherwise.
 */
@Controller('sim/pes')
export class PesController {
  constructor(private readonly sim: SimService) {}

  @Get('returns')
  returns(@Query('after') after: string | undefined, @Query('limit') limit: string | undefined): { items: PesReturnBody[]; next?: number } {
    const page = this.sim.listPesReturns(integerParam('after', after, 0, 0, Number.MAX_SAFE_INTEGER), integerParam('limit', limit, 100, 1, 1000));
    const items = page.items.map((item) => ({
      id: item.id,
      kind: item.kind,
      fileName: item.fileName,
      ...(item.receivedFor === undefined ? {} : { receivedFor: item.receivedFor }),
      contentBase64: item.content.toString('base64'),
    }));
    return page.next === undefined ? { items } : { items, next: page.next };
  }

  @Post('returns/:id/ack')
  @HttpCode(HttpStatus.OK)
  ack(@Param('id') id: string): { id: number; acked: boolean } {
    const value = integerParam('id', id, 0, 1, Number.MAX_SAFE_INTEGER);
    if (!this.sim.ackPesReturn(value)) throw failure(HttpStatus.NOT_FOUND, SimErrorCode.UnknownPesReturn, `No DGFiP file ${value}.`);
    return { id: value, acked: true };
  }

  /** A PES_Retour of the DGFiP for a SIRET, put among the returns at once. */
  @Post('retours')
  @HttpCode(HttpStatus.CREATED)
  sendRetour(@Body() body: unknown): SentPesRetour {
    return this.sim.sendPesRetour(retourRequest(body));
  }

  /** A PES_Aller deposited on the DGFiP's gateway, with its P_MSG routing in `X-Pes-Routing`; read as it streams in. */
  @Post(':fileName')
  @HttpCode(HttpStatus.OK)
  async deposit(
    @Param('fileName') fileName: string,
    @Headers('content-type') contentType: string | undefined,
    @Headers('x-pes-routing') routing: string | undefined,
    @Req() request: IncomingMessage,
  ): Promise<{ outcome: string }> {
    try {
      const mediaType = mediaTypeOf(contentType);
      if (!XML_TYPES.has(mediaType)) throw new SimError(SimErrorCode.UnsupportedMediaType, `Expected application/xml, got « ${mediaType} ».`);
      // Left unread when refused midway: Node discards the rest once the answer is sent, without closing the connection.
      const body = request.iterator({ destroyOnReturn: false });
      const result = await this.sim.deliverPes({ fileName, routing, body });
      if (result.status === 'unavailable') {
        throw failure(HttpStatus.SERVICE_UNAVAILABLE, SimErrorCode.Unavailable, 'Simulated outage (failNext or hang).');
      }
      return { outcome: result.outcome };
    } catch (error) {
      if (error instanceof SimError) throw failure(statusOf(error.code), error.code, error.message);
      throw error;
    }
  }

  /** The bytes the simulator first received under a PES file name, for tests and demos to inspect. */
  @Get(':fileName')
  @Header('content-type', 'application/xml')
  receivedFile(@Param('fileName') fileName: string): StreamableFile {
    const bytes = this.sim.receivedPesFile(fileName);
    if (bytes === undefined) throw failure(HttpStatus.NOT_FOUND, SimErrorCode.UnknownPesFile, `No PES file received under « ${fileName} ».`);
    return new StreamableFile(bytes);
  }
}
