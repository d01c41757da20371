import { describe, expect, it } from '@jest/globals';
import { clearedSessionCookie, parseCookies, sessionCookie, sessionIdOf } from './cookies.js';

const ID = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde';

describe('cookies', () => {
  it('reads the pairs of a Cookie header, trimmed, quotes removed, the first of a name kept', () => {
    const cookies = parseCookies(' a=1; b = two ;c="quoted"; broken; =nameless; a=again; empty=');
    expect([...cookies]).toEqual([
      ['a', '1'],
      ['b', 'two'],
      ['c', 'quoted'],
      ['empty', ''],
    ]);
    expect(parseCookies(undefined).size).toBe(0);
    expect(parseCookies('').size).toBe(0);
  });

  it('keeps a value holding `=` whole', () => {
    expect(parseCookies('x=a=b==').get('x')).toBe('a=b==');
  });

  it('finds the session id among other cookies, and only one shaped like ours', () => {
    expect(ID).toHaveLength(43);
    expect(sessionIdOf(`theme=dark; relais_session=${ID}; other=1`)).toBe(ID);
    expect(sessionIdOf('theme=dark')).toBeUndefined();
    expect(sessionIdOf('relais_session=short')).toBeUndefined();
    expect(sessionIdOf(`relais_session=${ID.slice(0, 42)}!`)).toBeUndefined();
    expect(sessionIdOf(`relais_session=${ID}x`)).toBeUndefined();
    expect(sessionIdOf(`relais_session_old=${ID}`)).toBeUndefined();
  });

  it('sets the session cookie HttpOnly, SameSite=Strict, on every path, Secure only over HTTPS', () => {
    expect(sessionCookie(ID, { secure: false, maxAgeSeconds: 43_200 })).toBe(`relais_session=${ID}; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200`);
    expect(sessionCookie(ID, { secure: true, maxAgeSeconds: 10.7 })).toBe(`relais_session=${ID}; Path=/; HttpOnly; SameSite=Strict; Max-Age=10; Secure`);
    expect(clearedSessionCookie(true)).toBe('relais_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Secure');
  });

  it('reads back what it sets', () => {
    const header = sessionCookie(ID, { secure: false, maxAgeSeconds: 60 }).split(';')[0];
    expect(sessionIdOf(header)).toBe(ID);
  });
});
