import { Controller, Get, Res } from '@nestjs/common';
import { Public } from '../auth/roles.decorator.js';
import type { JsonResponse } from '../http.js';
import { HealthService } from './health.service.js';

/** `GET /health` (no token): 200 when every service is ready, 503 with the same shape otherwise. */
@Controller('health')
@Public()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get()
  async get(@Res() response: JsonResponse): Promise<void> {
    const health = await this.health.platform();
    response.status(health.status === 'ok' ? 200 : 503).json(health);
  }
}
