import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { withAdminAction } from '../admin/admin-actions.js';
import { DEFAULT_GRACE_SECONDS, type RotateTokenDto } from '../admin/token.dto.js';
import { ApiError } from '../errors/api-error.js';
import { GatewayErrorCode } from '../errors/error-codes.js';
import type { RotatedToken, TokenRepository } from './token.repository.js';

/**
 * Rotates token `id` for `actor` (an administrator, or the token itself): the new token and the record
 * of the rotation commit together, or neither. 404 for no such token, 409 for one that no longer works
 * or was already rotated, 422 for an expiry already past.
 */
export async function rotateToken(pool: pg.Pool, tokens: TokenRepository, id: string, actor: string, body: RotateTokenDto): Promise<RotatedToken> {
  const expiresAt = body.expiresAt === undefined ? undefined : new Date(body.expiresAt);
  if (expiresAt !== undefined && expiresAt.getTime() <= Date.now()) {
    throw ApiError.of(422, GatewayErrorCode.ExpiryInPast, 'expiresAt must be in the future', 'expiresAt');
  }
  const graceSeconds = body.graceSeconds ?? DEFAULT_GRACE_SECONDS;
  const newId = randomUUID();
  const record = { action: 'token.rotate', actor, target: `token:${id}`, details: { newToken: newId, graceSeconds } };
  return withAdminAction(pool, record, async (client) => {
    const rotated = await tokens.rotate(id, graceSeconds * 1000, expiresAt, { newId, db: client });
    // Throwing rolls the record back: a refused rotation leaves no event.
    if (rotated === 'not_found') throw ApiError.of(404, GatewayErrorCode.TokenNotFound, `No token ${id}`);
    if (rotated === 'not_active') throw ApiError.of(409, GatewayErrorCode.TokenNotActive, `Token ${id} is revoked or expired: issue a new one`);
    if (rotated === 'already_rotated') throw ApiError.of(409, GatewayErrorCode.TokenAlreadyRotated, `Token ${id} was already rotated: rotate its replacement`);
    return rotated;
  });
}
