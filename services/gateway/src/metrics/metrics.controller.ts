import type { ServerResponse } from 'node:http';
import { Controller, Get, Res } from '@nestjs/common';
import { Roles } from '../auth/roles.decorator.js';
import { GatewayMetrics } from './gateway-metrics.js';

/** `GET /metrics`: the Prometheus text exposition, for supervisors (Prometheus sends their bearer token) and admins. */
@Controller('metrics')
@Roles('supervisor', 'admin')
export class MetricsController {
  constructor(private readonly metrics: GatewayMetrics) {}

  @Get()
  async scrape(@Res() response: ServerResponse): Promise<void> {
    const { contentType, text } = await this.metrics.scrape();
    response.setHeader('Content-Type', contentType);
    response.setHeader('Cache-Control', 'no-store');
    response.end(text);
  }
}
