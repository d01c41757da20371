import { Controller, Get, Req, Res } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Roles } from '../../auth/roles.decorator.js';
import { bearerToken } from '../../auth/token.js';
import { TokenRepository } from '../../auth/token.repository.js';
import { sessionIdOf } from '../cookies.js';
import { SessionRepository } from '../session.repository.js';
import { LiveThrottle } from './live-throttle.js';
import { sseComment, sseEvent, sseRetry } from './sse.js';
import { StatsFeed } from './stats-feed.js';

/** At most two `stats` events a second to each page. */
export const LIVE_MIN_INTERVAL_MS = 500;
/** A comment this often keeps proxies from closing a quiet stream; the session is checked again then. */
export const LIVE_HEARTBEAT_MS = 15_000;
/** How long a browser waits before reconnecting a broken stream. */
const LIVE_RETRY_MS = 3000;

/**
 * `GET /dashboard/live`: server-sent events on the page's session (or a bearer header; never a token in
 * the URL). `ready` once connected, then `stats` `{position}` each time the statistics move (at most
 * twice a second), a heartbeat comment every 15 s, and `signedout` before the stream ends because the
 * session or its token did.
 */
@Controller('dashboard/live')
@Roles('supervisor', 'admin')
export class LiveController {
  constructor(
    private readonly feed: StatsFeed,
    private readonly sessions: SessionRepository,
    private readonly tokens: TokenRepository,
  ) {}

  @Get()
  stream(@Req() request: IncomingMessage, @Res() response: ServerResponse): void {
    request.socket.setNoDelay(true);
    response.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Accel-Buffering': 'no',
      'X-Content-Type-Options': 'nosniff',
    });
    response.write(sseRetry(LIVE_RETRY_MS));
    response.write(sseEvent('ready', JSON.stringify({ position: this.feed.position ?? null })));

    let ended = false;
    const throttle = new LiveThrottle<string>(LIVE_MIN_INTERVAL_MS, (position) => {
      response.write(sseEvent('stats', JSON.stringify({ position })));
    });
    const heartbeat = setInterval(() => {
      void this.beat(request, response);
    }, LIVE_HEARTBEAT_MS);
    const unsubscribe = this.feed.subscribe({
      changed: (position) => {
        throttle.push(position);
      },
      closing: () => response.end(),
    });
    // The response's `close` is the connection's end, or ours (the request's own `close` says only that its body was read).
    const end = (): void => {
      if (ended) return;
      ended = true;
      throttle.close();
      clearInterval(heartbeat);
      unsubscribe();
      if (!response.writableEnded) response.end();
    };
    response.once('close', end);
    response.once('error', end);
    if (response.writableEnded) end();
  }

  /** A heartbeat, once the session is checked again: a stream whose session ended says so and ends. */
  private async beat(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let signedIn = true;
    try {
      signedIn = await this.stillSignedIn(request);
    } catch {
      // The database did not answer: the session is judged at the next beat.
    }
    if (response.writableEnded) return;
    if (signedIn) {
      response.write(sseComment('heartbeat'));
      return;
    }
    response.write(sseEvent('signedout', '{}'));
    response.end();
  }

  /** Whether the credential that opened the stream still stands (a revoked token ends its pages' streams). */
  private async stillSignedIn(request: IncomingMessage): Promise<boolean> {
    const credential = bearerToken(request.headers.authorization);
    if (credential.kind === 'bearer') return typeof (await this.tokens.authenticate(credential.token)) !== 'string';
    const id = sessionIdOf(request.headers.cookie);
    return id !== undefined && typeof (await this.sessions.authenticate(id)) !== 'string';
  }
}
