import { describe, expect, it } from '@jest/globals';
import { cookieLifetimeSeconds, judgeSession, SESSION_LIFETIME, type SessionFacts } from './session-lifetime.js';

const signedIn = new Date('2026-03-02T08:00:00.000Z');
const minutes = (n: number): Date => new Date(signedIn.getTime() + n * 60_000);
const fresh: SessionFacts = { createdAt: signedIn, lastSeenAt: signedIn, tokenRevoked: false, tokenExpiresAt: null };

describe('how long a web session lives', () => {
  it('is 30 minutes idle and 12 hours in all, its last use written at most once a minute', () => {
    expect(SESSION_LIFETIME).toEqual({ idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000, touchEveryMs: 60_000 });
  });

  it('stands while used, and asks for its last use to be written once a minute has passed', () => {
    expect(judgeSession(fresh, minutes(0.5))).toEqual({ alive: true, touch: false });
    expect(judgeSession(fresh, minutes(1))).toEqual({ alive: true, touch: true });
    expect(judgeSession({ ...fresh, lastSeenAt: minutes(29) }, minutes(29.5))).toEqual({ alive: true, touch: false });
  });

  it('ends after 30 minutes without use, to the millisecond', () => {
    expect(judgeSession(fresh, new Date(minutes(30).getTime() - 1))).toEqual({ alive: true, touch: true });
    expect(judgeSession(fresh, minutes(30))).toEqual({ alive: false, reason: 'idle' });
  });

  it('ends 12 hours after sign-in however busy it is', () => {
    const busy = { ...fresh, lastSeenAt: minutes(12 * 60 - 1) };
    expect(judgeSession(busy, minutes(12 * 60 - 0.5)).alive).toBe(true);
    expect(judgeSession(busy, minutes(12 * 60))).toEqual({ alive: false, reason: 'expired' });
  });

  it('ends at once with its token: revoked, or past the token’s own expiry', () => {
    expect(judgeSession({ ...fresh, tokenRevoked: true }, minutes(1))).toEqual({ alive: false, reason: 'token_revoked' });
    const expiring = { ...fresh, tokenExpiresAt: minutes(5) };
    expect(judgeSession(expiring, minutes(4)).alive).toBe(true);
    expect(judgeSession(expiring, minutes(5))).toEqual({ alive: false, reason: 'token_expired' });
  });

  it('names the token first when several limits are passed', () => {
    const all = { createdAt: signedIn, lastSeenAt: signedIn, tokenRevoked: true, tokenExpiresAt: minutes(1) };
    expect(judgeSession(all, minutes(13 * 60))).toEqual({ alive: false, reason: 'token_revoked' });
    expect(judgeSession({ ...all, tokenRevoked: false }, minutes(13 * 60))).toEqual({ alive: false, reason: 'token_expired' });
    expect(judgeSession({ ...all, tokenRevoked: false, tokenExpiresAt: null }, minutes(13 * 60))).toEqual({ alive: false, reason: 'expired' });
  });

  it('keeps the cookie 12 hours, or until the token expires when that is sooner', () => {
    expect(cookieLifetimeSeconds(signedIn, null)).toBe(43_200);
    expect(cookieLifetimeSeconds(signedIn, minutes(90))).toBe(5400);
    expect(cookieLifetimeSeconds(signedIn, minutes(24 * 60))).toBe(43_200);
    expect(cookieLifetimeSeconds(signedIn, minutes(-1))).toBe(0);
  });
});
