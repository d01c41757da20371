import { Controller, Get, Header, Inject, Param, StreamableFile } from '@nestjs/common';
import { PostgresBlobStore } from '@relais/blob-store';
import { PostgresEventStore } from '@relais/event-store';
import type pg from 'pg';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/principal.js';
import { Roles } from '../auth/roles.decorator.js';
import { PG_POOL } from '../tokens.js';
import { attachmentDisposition } from '../transmissions/transmission-files.js';
import { ActeDocuments, type MadeDocument } from './acte-documents.js';

function pdf(document: MadeDocument): StreamableFile {
  return new StreamableFile(document.bytes, {
    type: 'application/pdf',
    length: document.bytes.length,
    disposition: attachmentDisposition(document.name),
  });
}

/**
 * The documents a collectivité publishes once the préfecture acknowledged its acte: the stamped acte
 * (`<IDActe>-tampon.pdf`) and the bordereau d'acquittement (`<IDActe>-accuse-reception.pdf`). Before
 * the AR both answer 409 DOCUMENT.NOT_ACKNOWLEDGED.
 */
@Controller('api/v1/transmissions')
export class DocumentsController {
  private readonly documents: ActeDocuments;

  constructor(store: PostgresEventStore, blobs: PostgresBlobStore, @Inject(PG_POOL) pool: pg.Pool) {
    this.documents = new ActeDocuments(store, blobs, pool);
  }

  @Get(':id/stamped')
  @Roles('collectivite', 'supervisor', 'auditor')
  @Header('X-Content-Type-Options', 'nosniff')
  async stamped(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<StreamableFile> {
    return pdf(await this.documents.stamped(id, principal));
  }

  @Get(':id/receipt')
  @Roles('collectivite', 'supervisor', 'auditor')
  @Header('X-Content-Type-Options', 'nosniff')
  async receipt(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<StreamableFile> {
    return pdf(await this.documents.receipt(id, principal));
  }
}
