import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from '@jest/globals';
import { cameOverHttps, isSafeMethod, isSameOrigin, localPath } from './request-origin.js';

describe('where a browser request comes from', () => {
  it('is ours when its Origin names the host it was sent to, whatever the scheme', () => {
    expect(isSameOrigin({ host: 'relais.example:3000', origin: 'http://relais.example:3000' })).toBe(true);
    expect(isSameOrigin({ host: 'Relais.Example', origin: 'https://relais.example' })).toBe(true);
  });

  it('is not ours from another host or port, a null or odd origin, or without any origin', () => {
    expect(isSameOrigin({ host: 'relais.example:3000', origin: 'http://evil.example' })).toBe(false);
    expect(isSameOrigin({ host: 'relais.example:3000', origin: 'http://relais.example:3001' })).toBe(false);
    expect(isSameOrigin({ host: 'relais.example', origin: 'http://relais.example.evil.example' })).toBe(false);
    expect(isSameOrigin({ host: 'relais.example', origin: 'null' })).toBe(false);
    expect(isSameOrigin({ host: 'relais.example', origin: 'file://relais.example' })).toBe(false);
    expect(isSameOrigin({ host: 'relais.example', origin: 'not a url' })).toBe(false);
    expect(isSameOrigin({ host: 'relais.example' })).toBe(false);
    expect(isSameOrigin({ origin: 'http://relais.example' })).toBe(false);
  });

  it('falls back on the Referer only when there is no Origin', () => {
    expect(isSameOrigin({ host: 'relais.example', referer: 'http://relais.example/dashboard' })).toBe(true);
    expect(isSameOrigin({ host: 'relais.example', referer: 'http://evil.example/relais.example' })).toBe(false);
    expect(isSameOrigin({ host: 'relais.example', origin: 'http://evil.example', referer: 'http://relais.example/' })).toBe(false);
  });

  it('calls GET, HEAD and OPTIONS safe, anything else not', () => {
    expect(['GET', 'head', 'OPTIONS', undefined].map(isSafeMethod)).toEqual([true, true, true, true]);
    expect(['POST', 'PUT', 'PATCH', 'DELETE'].map(isSafeMethod)).toEqual([false, false, false, false]);
  });

  it('knows HTTPS from the socket or from the proxy’s X-Forwarded-Proto', () => {
    const request = (encrypted: boolean, proto?: string): IncomingMessage =>
      ({ socket: encrypted ? { encrypted: true } : {}, headers: proto === undefined ? {} : { 'x-forwarded-proto': proto } }) as unknown as IncomingMessage;
    expect(cameOverHttps(request(true))).toBe(true);
    expect(cameOverHttps(request(false))).toBe(false);
    expect(cameOverHttps(request(false, 'https'))).toBe(true);
    expect(cameOverHttps(request(false, 'HTTPS, http'))).toBe(true);
    expect(cameOverHttps(request(false, 'http'))).toBe(false);
  });
});

describe('where to go after signing in', () => {
  it('keeps a path of this site, with its query', () => {
    expect(localPath('/dashboard')).toBe('/dashboard');
    expect(localPath('/dashboard?range=7d')).toBe('/dashboard?range=7d');
    expect(localPath('/a/../dashboard')).toBe('/dashboard');
  });

  it('never sends anyone to another site', () => {
    for (const next of ['//evil.example', '/\\evil.example', 'https://evil.example/', 'evil.example', '/a/..//evil.example', '/.//evil.example', 'javascript:alert(1)', ' /dashboard', '/dash board', `/${'x'.repeat(600)}`]) {
      expect([next, localPath(next)]).toEqual([next, '/dashboard']);
    }
    expect(localPath(undefined)).toBe('/dashboard');
    expect(localPath(['/dashboard'])).toBe('/dashboard');
    expect(localPath('//evil.example', '/signin')).toBe('/signin');
  });
});
