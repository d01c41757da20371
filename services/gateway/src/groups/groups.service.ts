import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PostgresEventStore } from '@relais/event-store';
import { loadCollectivite } from '@relais/service-kit';
import type pg from 'pg';
import { withAdminAction } from '../admin/admin-actions.js';
import { ApiError } from '../errors/api-error.js';
import { GatewayErrorCode } from '../errors/error-codes.js';
import { UUID } from '../query-params.js';
import { PG_POOL } from '../tokens.js';
import { GroupRepository, type GroupInfo } from './group.repository.js';

/**
 * Groups of collectivités, for the platform's administrators: every member a registered collectivité
 * (422 COLLECTIVITE.NOT_FOUND naming each one that is not), each change committed with its
 * AdminActionRecorded on `group:<id>` (the group's name and its members' SIRENs: no personal data).
 */
@Injectable()
export class GroupsService {
  constructor(
    private readonly store: PostgresEventStore,
    private readonly groups: GroupRepository,
    @Inject(PG_POOL) private readonly pool: pg.Pool,
  ) {}

  async create(actor: string, name: string, sirens: readonly string[]): Promise<GroupInfo> {
    const members = await this.registered(sirens);
    const id = randomUUID();
    return withAdminAction(this.pool, { action: 'group.create', actor, target: `group:${id}`, details: { name, sirens: members.join(',') } }, (client) =>
      this.groups.create(name, members, { id, db: client }),
    );
  }

  list(): Promise<GroupInfo[]> {
    return this.groups.list();
  }

  /** Replaces the members at once: a member removed is no longer followed from the next request on. */
  async replaceMembers(actor: string, id: string, sirens: readonly string[]): Promise<GroupInfo> {
    if (!UUID.test(id)) throw groupNotFound(id);
    const members = await this.registered(sirens);
    const target = `group:${id.toLowerCase()}`;
    return withAdminAction(this.pool, { action: 'group.members.replace', actor, target, details: { sirens: members.join(',') } }, async (client) => {
      const replaced = await this.groups.replaceMembers(id, members, client);
      if (replaced === undefined) throw groupNotFound(id);
      return replaced;
    });
  }

  /** The SIRENs once each, in order; 422 naming every one that no registration knows. */
  private async registered(sirens: readonly string[]): Promise<string[]> {
    const unique = [...new Set(sirens)].sort();
    const known = await Promise.all(unique.map(async (siren) => (await loadCollectivite(this.store, siren)) !== undefined));
    const missing = unique.filter((_, i) => known[i] !== true);
    if (missing.length > 0) {
      throw new ApiError(
        422,
        missing.map((siren) => ({ code: GatewayErrorCode.CollectiviteNotFound, message: `No collectivité ${siren} is registered`, field: `sirens[${sirens.indexOf(siren)}]` })),
      );
    }
    return unique;
  }
}

/** 404 GROUP.NOT_FOUND. */
export function groupNotFound(id: string): ApiError {
  return ApiError.of(404, GatewayErrorCode.GroupNotFound, `No group ${id}`);
}
