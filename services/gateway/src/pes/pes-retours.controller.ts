import { Controller, Get, Header, Param, Query, StreamableFile } from '@nestjs/common';
import { PostgresBlobStore } from '@relais/blob-store';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { Roles } from '../auth/roles.decorator.js';
import { attachmentDisposition } from '../transmissions/transmission-files.js';
import { PesRetoursReader, type PesRetourItem } from './pes-retours.reader.js';
import { PES_MEDIA_TYPE } from './pes-submission.js';

/** The PES_Retour files the DGFiP sent back for a collectivité (collectivité: its own; supervisor, auditor: `?siren=`). */
@Controller('api/v1/pes/retours')
@Roles('collectivite', 'supervisor', 'auditor')
export class PesRetoursController {
  constructor(
    private readonly reader: PesRetoursReader,
    private readonly blobs: PostgresBlobStore,
  ) {}

  @Get()
  async list(@CurrentPrincipal() principal: Principal, @Query('siren') siren: unknown): Promise<{ items: PesRetourItem[] }> {
    return { items: await this.reader.list(principal, siren) };
  }

  /** The retour's XML, streamed from the blob store as an attachment under the name the DGFiP gave it. */
  @Get(':id/file')
  @Header('X-Content-Type-Options', 'nosniff')
  async file(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<StreamableFile> {
    const retour = await this.reader.get(principal, id);
    const stream = await this.blobs.get(retour.sha256);
    return new StreamableFile(stream, { type: PES_MEDIA_TYPE, length: retour.size, disposition: attachmentDisposition(retour.fileName) });
  }
}
