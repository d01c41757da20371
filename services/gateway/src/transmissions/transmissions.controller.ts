import { Controller, Get, Header, HttpCode, Param, Post, Query, StreamableFile } from '@nestjs/common';
import { PostgresBlobStore } from '@relais/blob-store';
import type { TransmissionPage, TransmissionView } from '@relais/read-models';
import { TransmissionCommands } from '@relais/service-kit';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import { actorOf, type Principal } from '../auth/principal.js';
import { Roles } from '../auth/roles.decorator.js';
import { Expensive } from '../load/workload.decorator.js';
import { parseListQuery, type RawListQuery } from './list-query.js';
import { attachmentDisposition, servedMediaType } from './transmission-files.js';
import { isTransmissionId, notFound, TransmissionsReader, type EventItem } from './transmissions.reader.js';

/** Following transmissions (collectivité, supervisor, auditor) and retrying a failed one (admin, supervisor). */
@Controller('api/v1/transmissions')
export class TransmissionsController {
  constructor(
    private readonly reader: TransmissionsReader,
    private readonly blobs: PostgresBlobStore,
    private readonly commands: TransmissionCommands,
  ) {}

  @Get()
  @Roles('collectivite', 'supervisor', 'auditor')
  @Expensive('query')
  list(@CurrentPrincipal() principal: Principal, @Query() query: RawListQuery & { readonly siren?: unknown }): Promise<TransmissionPage> {
    return this.reader.list(principal, parseListQuery(query), query.siren);
  }

  @Get(':id')
  @Roles('collectivite', 'supervisor', 'auditor')
  get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<TransmissionView> {
    return this.reader.get(id, principal);
  }

  @Get(':id/events')
  @Roles('collectivite', 'supervisor', 'auditor')
  async events(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<{ items: readonly EventItem[] }> {
    return { items: await this.reader.events(id, principal) };
  }

  /** Streams the file from the blob store, chunk by chunk as the client reads. */
  @Get(':id/files/:sha256')
  @Roles('collectivite', 'supervisor', 'auditor')
  @Header('X-Content-Type-Options', 'nosniff')
  async file(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Param('sha256') sha256: string,
  ): Promise<StreamableFile> {
    const ref = await this.reader.file(id, sha256, principal);
    const stream = await this.blobs.get(ref.sha256);
    return new StreamableFile(stream, {
      type: servedMediaType(ref.mediaType),
      length: ref.size,
      disposition: attachmentDisposition(ref.name),
    });
  }

  /** A failed transmission delivered again; 409 TRANSMISSION.INVALID_TRANSITION unless it failed. */
  @Post(':id/retry')
  @HttpCode(202)
  @Roles('admin', 'supervisor')
  async retry(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<{ id: string; status: string }> {
    if (!isTransmissionId(id)) throw notFound(id);
    const { state } = await this.commands.execute(
      { type: 'Retry', data: { transmissionId: id, at: new Date().toISOString(), requestedBy: actorOf(principal) } },
      { actor: actorOf(principal) },
    );
    return { id, status: state.status === 'none' ? 'routed' : state.status };
  }
}
