import { describe, expect, it } from '@jest/globals';
import { sseComment, sseEvent, sseRetry } from './sse.js';

describe('server-sent event frames', () => {
  it('writes an event with its type, id and data, ended by a blank line', () => {
    expect(sseEvent('stats', '{"position":"42"}')).toBe('event: stats\ndata: {"position":"42"}\n\n');
    expect(sseEvent('stats', 'x', '42')).toBe('event: stats\nid: 42\ndata: x\n\n');
  });

  it('puts each line of the data on its own data line, so that no line break ends the event early', () => {
    expect(sseEvent('note', 'a\nb\r\nc\rd')).toBe('event: note\ndata: a\ndata: b\ndata: c\ndata: d\n\n');
    expect(sseEvent('stats', '1', '4\n2')).toBe('event: stats\nid: 42\ndata: 1\n\n');
  });

  it('refuses a type that would break the frame', () => {
    expect(() => sseEvent('a\nb', 'x')).toThrow('Not an event type');
    expect(() => sseEvent('', 'x')).toThrow('Not an event type');
  });

  it('writes comments on one line and the retry delay in whole milliseconds', () => {
    expect(sseComment('heart\nbeat')).toBe(': heart beat\n\n');
    expect(sseRetry(2999.7)).toBe('retry: 2999\n\n');
  });
});
