import { existsSync } from 'node:fs';
import { Controller, Get, Inject, Query } from '@nestjs/common';
import {
  statsBacklog,
  statsBreakdown,
  statsReasons,
  statsSeries,
  statsSummary,
  statsWindows,
  type StatsBacklog,
  type StatsBreakdown,
  type StatsReasons,
  type StatsSeries,
  type StatsSummary,
  type StatsWindows,
  type WindowedEndpoint,
} from '@relais/read-models';
import { RoutingTableSource } from '@relais/routing';
import type pg from 'pg';
import { Roles } from '../auth/roles.decorator.js';
import type { GatewayConfig } from '../config.js';
import { Expensive } from '../load/workload.decorator.js';
import { GATEWAY_CONFIG, PG_POOL } from '../tokens.js';
import { DEFAULT_SPAN_MS, parseDimension, parseLimit, parseSeriesQuery, parseStatsFilter, type RawStatsQuery } from './stats-query.js';

/**
 * The supervisors' figures (API.md "Supervising"), read from the statistics the projector builds
 * from the log. Supervisors and administrators only.
 */
@Controller('api/v1/stats')
@Roles('supervisor', 'admin')
@Expensive('query')
export class StatsController {
  private readonly routing: RoutingTableSource;

  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    this.routing = new RoutingTableSource(config.routingFile);
  }

  @Get('summary')
  summary(@Query() query: RawStatsQuery): Promise<StatsSummary> {
    return statsSummary(this.pool, parseStatsFilter(query));
  }

  @Get('series')
  series(@Query() query: RawStatsQuery): Promise<StatsSeries> {
    const { filter, bucket } = parseSeriesQuery(query, new Date());
    return statsSeries(this.pool, filter, bucket);
  }

  @Get('breakdown')
  breakdown(@Query() query: RawStatsQuery): Promise<StatsBreakdown> {
    return statsBreakdown(this.pool, parseDimension(query), parseStatsFilter(query), parseLimit(query, 20, 2000));
  }

  @Get('backlog')
  backlog(@Query() query: RawStatsQuery): Promise<StatsBacklog> {
    return statsBacklog(this.pool, parseLimit(query, 20, 500), new Date());
  }

  @Get('reasons')
  reasons(@Query() query: RawStatsQuery): Promise<StatsReasons> {
    return statsReasons(this.pool, parseStatsFilter(query), parseLimit(query, 10, 100));
  }

  /** Each endpoint of the routing table, its windows over [from, to) (default: the last 24 h). */
  @Get('windows')
  async windows(@Query() query: RawStatsQuery): Promise<StatsWindows> {
    const filter = parseStatsFilter(query);
    const to = filter.to ?? new Date();
    const from = filter.from ?? new Date(to.getTime() - DEFAULT_SPAN_MS);
    return statsWindows(this.pool, await this.endpoints(), { from, to });
  }

  private async endpoints(): Promise<WindowedEndpoint[]> {
    if (!existsSync(this.routing.path)) return [];
    const table = await this.routing.current();
    return table.endpoints.map((e) => ({ id: e.id, label: e.label ?? e.id, ...(e.window !== undefined && { window: e.window }) }));
  }
}
