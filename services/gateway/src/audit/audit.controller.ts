import { Controller, Get, Param, Query } from '@nestjs/common';
import type { TransmissionView } from '@relais/read-models';
import { Roles } from '../auth/roles.decorator.js';
import { invalidQuery, queryText } from '../query-params.js';
import { AuditReader, type AuditPage, type AuditVerification } from './audit.reader.js';

/** The most events one page of `GET /api/v1/audit/events` holds. */
export const MAX_AUDIT_PAGE = 1000;
const DEFAULT_AUDIT_PAGE = 100;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const POSITION = /^[0-9]{1,18}$/;

/** The auditors' calls of API.md ("Auditing"): read-only, for auditors and administrators. */
@Controller('api/v1/audit')
@Roles('auditor', 'admin')
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

  /** The transmission as it stood at `at` (ISO 8601; default now). */
  @Get('transmissions/:id')
  transmission(@Param('id') id: string, @Query('at') at: unknown): Promise<TransmissionView> {
    const given = queryText('at', at);
    const instant = given === undefined ? new Date() : new Date(given);
    if (given !== undefined && (!INSTANT.test(given) || Number.isNaN(instant.getTime()))) {
      throw invalidQuery('at', 'at must be an ISO 8601 instant with its zone, such as 2026-03-01T09:30:00Z');
    }
    return this.reader.transmissionAt(id, instant);
  }
}

function optionalPosition(name: 'from' | 'to', value: unknown): { from?: bigint; to?: bigint } {
  const given = queryText(name, value);
  if (given === undefined) return {};
  if (!POSITION.test(given)) throw invalidQuery(name, `${name} must be a global position (a whole number)`);
  return { [name]: BigInt(given) };
}
