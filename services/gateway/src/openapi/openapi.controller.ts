import { Controller, Get, type OnModuleInit, type Type } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { openApiDocument } from './openapi.document.js';
import { routeAccessOf, withGuardRoles } from './route-access.js';

/**
 * `GET /api/v1/openapi.json`: like every /api call, for any authenticated role. Each operation's
 * `x-roles` is written at start-up from the roles the guard enforces on its route, never by hand.
 */
@Controller('api/v1')
export class OpenApiController implements OnModuleInit {
  private served: typeof openApiDocument = openApiDocument;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    const controllers = this.discovery
      .getControllers()
      .map((wrapper) => wrapper.metatype)
      .filter((metatype): metatype is Type => typeof metatype === 'function');
    this.served = withGuardRoles(openApiDocument, routeAccessOf(controllers, this.reflector));
  }

  @Get('openapi.json')
  document(): typeof openApiDocument {
    return this.served;
  }
}
