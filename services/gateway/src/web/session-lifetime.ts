/**
 * How long a web session lives. A session is bound to the token it was opened with: it ends at once
 * when that token is revoked or expires. Otherwise it ends after `idleMs` without any request (an open
 * dashboard keeps it alive: it refreshes itself and its live stream checks the session), and in any
 * case `absoluteMs` after sign-in, when the token must be typed again.
 */
export interface SessionLifetime {
  readonly idleMs: number;
  readonly absoluteMs: number;
  /** `last_seen_at` is written at most this often: a write per request would double the load. */
  readonly touchEveryMs: number;
}

/** 30 minutes idle, 12 hours in all (a working day), last use written at most once a minute. */
export const SESSION_LIFETIME: SessionLifetime = {
  idleMs: 30 * 60_000,
  absoluteMs: 12 * 3_600_000,
  touchEveryMs: 60_000,
};

/** What is known of a session and its token when it is presented. */
export interface SessionFacts {
  readonly createdAt: Date;
  readonly lastSeenAt: Date;
  readonly tokenRevoked: boolean;
  /** The token's own expiry, if it has one. */
  readonly tokenExpiresAt: Date | null;
}

/** Why a session no longer opens anything. */
export type SessionEnd = 'token_revoked' | 'token_expired' | 'expired' | 'idle';

/** Whether a session still stands at `now`, and whether its last use should be written. Pure. */
export type SessionVerdict = { readonly alive: true; readonly touch: boolean } | { readonly alive: false; readonly reason: SessionEnd };

/** Judges a session at `now` under `lifetime`: the token's state first, then the absolute and idle limits. */
export function judgeSession(facts: SessionFacts, now: Date, lifetime: SessionLifetime = SESSION_LIFETIME): SessionVerdict {
  const at = now.getTime();
  if (facts.tokenRevoked) return { alive: false, reason: 'token_revoked' };
  if (facts.tokenExpiresAt !== null && facts.tokenExpiresAt.getTime() <= at) return { alive: false, reason: 'token_expired' };
  if (at - facts.createdAt.getTime() >= lifetime.absoluteMs) return { alive: false, reason: 'expired' };
  const idle = at - facts.lastSeenAt.getTime();
  if (idle >= lifetime.idleMs) return { alive: false, reason: 'idle' };
  return { alive: true, touch: idle >= lifetime.touchEveryMs };
}

/**
 * How long the browser should keep the cookie of a session opened at `now`: the absolute limit, or less
 * when the token expires sooner.
 */
export function cookieLifetimeSeconds(now: Date, tokenExpiresAt: Date | null, lifetime: SessionLifetime = SESSION_LIFETIME): number {
  const untilToken = tokenExpiresAt === null ? Infinity : tokenExpiresAt.getTime() - now.getTime();
  return Math.max(0, Math.floor(Math.min(lifetime.absoluteMs, untilToken) / 1000));
}
