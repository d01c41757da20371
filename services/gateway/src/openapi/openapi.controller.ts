import { Controller, Get } from '@nestjs/common';
import { openApiDocument } from './openapi.document.js';

/** `GET /api/v1/openapi.json`: like every /api call, for any authenticated role. */
@Controller('api/v1')
export class OpenApiController {
  @Get('openapi.json')
  document(): typeof openApiDocument {
    return openApiDocument;
  }
}
