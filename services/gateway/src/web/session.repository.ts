import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import type { Principal } from '../auth/principal.js';
import { isRole } from '../auth/token.js';
import { principalUser } from '../auth/token.repository.js';
import { GROUP_SIRENS_SQL, principalGroup } from '../groups/followed-sirens.js';
import { PG_POOL } from '../tokens.js';
import { cookieLifetimeSeconds, judgeSession, SESSION_LIFETIME, type SessionEnd, type SessionLifetime } from './session-lifetime.js';

/** A session just opened: its id (for the cookie, never stored) and how long the cookie should live. */
export interface OpenedSession {
  readonly id: string;
  readonly maxAgeSeconds: number;
}

/** Why a presented session id opens nothing. */
export type SessionRefusal = SessionEnd | 'unknown';

interface SessionRow {
  token_id: string;
  role: string;
  siren: string | null;
  created_at: Date;
  last_seen_at: Date;
  revoked: boolean;
  token_expires_at: Date | null;
  now: Date;
  user_id: string | null;
  collectivite_admin: boolean | null;
  group_sirens: string[] | null;
}

/** What is stored of a session id: its SHA-256. */
export function hashSessionId(id: string): Buffer {
  return createHash('sha256').update(id, 'utf8').digest();
}

/**
 * The `web_sessions` table: a session per sign-in, found by the hash of its id, standing as long as
 * its token does and within the limits of {@link SessionLifetime}. The database's clock decides, as it
 * does for the tokens' own expiry.
 */
@Injectable()
export class SessionRepository {
  readonly lifetime: SessionLifetime = SESSION_LIFETIME;

  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  /** Opens a session for an authenticated token; sweeps the sessions that have ended meanwhile. */
  async open(tokenId: string): Promise<OpenedSession> {
    await this.sweep();
    const id = randomBytes(32).toString('base64url');
    const { rows } = await this.pool.query<{ now: Date; expires_at: Date | null }>(
      `WITH opened AS (INSERT INTO web_sessions (id_hash, token_id) VALUES ($1, $2) RETURNING created_at)
       SELECT opened.created_at AS now, t.expires_at FROM opened, api_tokens t WHERE t.id = $2`,
      [hashSessionId(id), tokenId],
    );
    const row = rows[0];
    if (row === undefined) throw new Error(`No token ${tokenId} to open a session for`);
    return { id, maxAgeSeconds: cookieLifetimeSeconds(row.now, row.expires_at, this.lifetime) };
  }

  /** The principal of a presented session, or why it is refused. An ended session is deleted. */
  async authenticate(id: string): Promise<Principal | SessionRefusal> {
    const hash = hashSessionId(id);
    const { rows } = await this.pool.query<SessionRow>(
      `SELECT s.token_id, t.role, t.siren, s.created_at, s.last_seen_at, t.revoked_at IS NOT NULL AS revoked,
              t.expires_at AS token_expires_at, now() AS now, t.user_id, u.collectivite_admin, ${GROUP_SIRENS_SQL}
         FROM web_sessions s JOIN api_tokens t ON t.id = s.token_id LEFT JOIN users u ON u.id = t.user_id
        WHERE s.id_hash = $1`,
      [hash],
    );
    const row = rows[0];
    if (row === undefined || !isRole(row.role)) return 'unknown';
    const verdict = judgeSession(
      { createdAt: row.created_at, lastSeenAt: row.last_seen_at, tokenRevoked: row.revoked, tokenExpiresAt: row.token_expires_at },
      row.now,
      this.lifetime,
    );
    if (!verdict.alive) {
      await this.pool.query('DELETE FROM web_sessions WHERE id_hash = $1', [hash]);
      return verdict.reason;
    }
    if (verdict.touch) await this.pool.query('UPDATE web_sessions SET last_seen_at = now() WHERE id_hash = $1', [hash]);
    return {
      tokenId: row.token_id,
      role: row.role,
      siren: row.siren ?? undefined,
      ...principalUser(row.user_id, row.collectivite_admin),
      ...principalGroup(row.siren, row.group_sirens),
    };
  }

  /** Ends a session (signing out); nothing happens for an unknown id. */
  async close(id: string): Promise<void> {
    await this.pool.query('DELETE FROM web_sessions WHERE id_hash = $1', [hashSessionId(id)]);
  }

  /** Deletes every session past its limits or whose token no longer stands. */
  async sweep(): Promise<void> {
    await this.pool.query(
      `DELETE FROM web_sessions s USING api_tokens t
        WHERE t.id = s.token_id
          AND (s.last_seen_at <= now() - make_interval(secs => $1) OR s.created_at <= now() - make_interval(secs => $2)
               OR t.revoked_at IS NOT NULL OR (t.expires_at IS NOT NULL AND t.expires_at <= now()))`,
      [this.lifetime.idleMs / 1000, this.lifetime.absoluteMs / 1000],
    );
  }
}
