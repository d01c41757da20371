import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PostgresEventStore } from '@relais/event-store';
import type pg from 'pg';
import { withAdminAction } from '../admin/admin-actions.js';
import { checkRoleSiren } from '../auth/role-siren.js';
import { TokenRepository, type IssuedToken } from '../auth/token.repository.js';
import { ApiError } from '../errors/api-error.js';
import { GatewayErrorCode } from '../errors/error-codes.js';
import { UUID } from '../query-params.js';
import { GroupRepository } from '../groups/group.repository.js';
import { PG_POOL } from '../tokens.js';
import type { TokenTermsDto } from '../admin/token.dto.js';
import { type NewUser, UserRepository, type UserInfo } from './user.repository.js';


/**
 * Named users and their tokens, for the platform's administrators (scope: every collectivité) and a
 * collectivité's own administrators (scope: their SIREN; anyone else's user or token answers 404, as
 * if it did not exist). Each change commits with its AdminActionRecorded, which names `user:<id>` and
 * never the address or the name (personal data stay out of the log).
 */
@Injectable()
export class UsersService {
  constructor(
    private readonly store: PostgresEventStore,
    private readonly users: UserRepository,
    private readonly tokens: TokenRepository,
    private readonly groups: GroupRepository,
    @Inject(PG_POOL) private readonly pool: pg.Pool,
  ) {}

  async create(actor: string, user: NewUser): Promise<UserInfo> {
    await checkRoleSiren(this.store, 'user', user.role, user.siren);
    if (user.collectiviteAdmin && user.role !== 'collectivite') {
      throw ApiError.of(422, GatewayErrorCode.SirenRequired, 'Only a collectivité user administers a collectivité', 'collectiviteAdmin');
    }
    const { groupId } = user;
    if (groupId !== undefined && user.role !== 'collectivite') {
      throw ApiError.of(422, GatewayErrorCode.GroupCollectiviteOnly, 'Only a collectivité user (of their own body) administers a group', 'groupId');
    }
    const id = randomUUID();
    const details = {
      role: user.role,
      ...(user.siren === undefined ? {} : { siren: user.siren }),
      collectiviteAdmin: user.collectiviteAdmin,
      ...(groupId === undefined ? {} : { group: groupId.toLowerCase() }),
    };
    return withAdminAction(this.pool, { action: 'user.create', actor, target: `user:${id}`, details }, async (client) => {
      if (groupId !== undefined && !(await this.groups.exists(groupId, client))) {
        throw ApiError.of(422, GatewayErrorCode.GroupNotFound, `No group ${groupId}`, 'groupId');
      }
      const created = await this.users.create(user, { id, db: client });
      if (created === undefined) throw ApiError.of(409, GatewayErrorCode.UserEmailTaken, 'A user already has this address', 'email');
      return created;
    });
  }

  /** Every user, or those of the collectivités `sirens`. */
  list(sirens?: readonly string[]): Promise<UserInfo[]> {
    return this.users.list(sirens === undefined ? {} : { sirens });
  }

  /** Disables the user (of one of the collectivités `sirens`, when given) and revokes their tokens at once. */
  async disable(actor: string, id: string, sirens?: readonly string[]): Promise<void> {
    if (!UUID.test(id)) throw notFound(id);
    await withAdminAction(this.pool, { action: 'user.disable', actor, target: `user:${id.toLowerCase()}` }, async (client) => {
      if (!(await this.users.disable(id, sirens, client))) throw notFound(id);
    });
  }

  /** A token for the user (of one of the collectivités `sirens`, when given), with their role and collectivité. */
  async issueToken(actor: string, userId: string, body: TokenTermsDto, sirens?: readonly string[]): Promise<IssuedToken> {
    const user = UUID.test(userId) ? await this.users.find(userId, sirens) : undefined;
    if (user === undefined) throw notFound(userId);
    if (user.disabledAt !== undefined) throw ApiError.of(409, GatewayErrorCode.UserDisabled, `User ${userId} is disabled`);
    const expiresAt = body.expiresAt === undefined ? undefined : new Date(body.expiresAt);
    if (expiresAt !== undefined && expiresAt.getTime() <= Date.now()) throw ApiError.of(422, GatewayErrorCode.ExpiryInPast, 'expiresAt must be in the future', 'expiresAt');
    const id = randomUUID();
    const details = {
      role: user.role,
      ...(user.siren === undefined ? {} : { siren: user.siren }),
      user: user.id,
      ...(expiresAt === undefined ? {} : { expiresAt: expiresAt.toISOString() }),
      ...(body.label === undefined ? {} : { label: body.label }),
    };
    return withAdminAction(this.pool, { action: 'token.issue', actor, target: `token:${id}`, details }, (client) =>
      this.tokens.issue(user.role, user.siren, expiresAt, { id, db: client, userId: user.id, ...(body.label === undefined ? {} : { label: body.label }) }),
    );
  }

  /** Revokes a token of one of the collectivités `sirens`: another's answers 404. */
  async revokeToken(actor: string, tokenId: string, sirens: readonly string[]): Promise<void> {
    const missing = (): ApiError => ApiError.of(404, GatewayErrorCode.TokenNotFound, `No token ${tokenId}`);
    const token = UUID.test(tokenId) ? await this.tokens.describe(tokenId.toLowerCase()) : undefined;
    if (token?.siren === undefined || !sirens.includes(token.siren)) throw missing();
    await withAdminAction(this.pool, { action: 'token.revoke', actor, target: `token:${token.id}` }, async (client) => {
      if (!(await this.tokens.revoke(token.id, client))) throw missing();
    });
  }
}

function notFound(id: string): ApiError {
  return ApiError.of(404, GatewayErrorCode.UserNotFound, `No user ${id}`);
}
