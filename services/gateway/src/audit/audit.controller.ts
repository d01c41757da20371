import { Controller, Get, Param, Query } from '@nestjs/common';
import type { TransmissionPage, TransmissionView } from '@relais/read-models';
import { Roles } from '../auth/roles.decorator.js';
import { Expensive } from '../load/workload.decorator.js';
import { invalidQuery, queryInstant, queryText } from '../query-params.js';
import { parseAuditSearch, type RawAuditSearch } from './audit-search.query.js';
import { AuditReader, type AuditPage, type AuditVerification } from './audit.reader.js';
import type { AuditHistory } from './transmission-history.js';

/** The most events one page of `GET /api/v1/audit/events` holds. */
export const MAX_AUDIT_PAGE = 1000;
const DEFAULT_AUDIT_PAGE = 100;
const POSITION = /^[0-9]{1,18}$/;

/** The auditors' calls of API.md ("Auditing"): read-only, for auditors and administrators. */
@Controller('api/v1/audit')
@Roles('auditor', 'admin')
@Expensive('query')
export class AuditController {
  constructor(private readonly reader: AuditReader) {}

  @Get('events')
  events(@Query('after') after: unknown, @Query('limit') limit: unknown): Promise<AuditPage> {
    const given = queryText('limit', limit);
    const size = given === undefined ? DEFAULT_AUDIT_PAGE : /^[0-9]{1,4}$/.test(given) ? Number(given) : Number.NaN;
    if (!(size >= 1 && size <= MAX_AUDIT_PAGE)) throw invalidQuery('limit', `limit must be an integer from 1 to ${MAX_AUDIT_PAGE}`);
    return this.reader.events(queryText('after', after), size);
  }

  /** Recomputes every hash over the whole log (or the positions `from` to `to`). */
  @Get('verify')
  verify(@Query('from') from: unknown, @Query('to') to: unknown): Promise<AuditVerification> {
    return this.reader.verify({ ...optionalPosition('from', from), ...optionalPosition('to', to) });
  }

  /** Transmissions of the read model by SIREN, kind, status, text and period of reception, newest first. */
  @Get('transmissions')
  search(@Query() query: RawAuditSearch): Promise<TransmissionPage> {
    return this.reader.search(parseAuditSearch(query));
  }

  /** The transmission as it stood at `at` (ISO 8601; default now). */
  @Get('transmissions/:id')
  transmission(@Param('id') id: string, @Query('at') at: unknown): Promise<TransmissionView> {
    return this.reader.transmissionAt(id, queryInstant('at', at) ?? new Date());
  }

  /** The transmission's whole stream, each event with its hash, its predecessor's, and whether the chain holds there. */
  @Get('transmissions/:id/events')
  history(@Param('id') id: string): Promise<AuditHistory> {
    return this.reader.history(id);
  }
}

function optionalPosition(name: 'from' | 'to', value: unknown): { from?: bigint; to?: bigint } {
  const given = queryText(name, value);
  if (given === undefined) return {};
  if (!POSITION.test(given)) throw invalidQuery(name, `${name} must be a global position (a whole number)`);
  return { [name]: BigInt(given) };
}
