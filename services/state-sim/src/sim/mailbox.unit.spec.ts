import { describe, expect, it } from '@jest/globals';

import { Mailbox } from './mailbox.js';
import { randomSource } from './random.js';

function filled(count: number): Mailbox {
  const mailbox = new Mailbox();
  for (let i = 0; i < count; i += 1) mailbox.deliver({ kind: 'ARActe', archiveName: `a${i}`, receivedFor: `r${i}`, files: [] });
  return mailbox;
}

describe('Mailbox', () => {
  it('lists in id order, pages with after and limit, and says when more may follow', () => {
    const mailbox = filled(3);
    const first = mailbox.list(0, 2);
    expect(first.items.map((item) => item.id)).toEqual([1, 2]);
    expect(first.next).toBe(2);
    const second = mailbox.list(2, 2);
    expect(second.items.map((item) => item.id)).toEqual([3]);
    expect(second.next).toBeUndefined();
  });

  it('does not list acked items again; acking twice is harmless, an id never issued is not', () => {
    const mailbox = filled(2);
    expect(mailbox.ack(1)).toBe(true);
    expect(mailbox.ack(1)).toBe(true);
    expect(mailbox.ack(3)).toBe(false);
    expect(mailbox.list(0, 10).items.map((item) => item.id)).toEqual([2]);
  });
});

describe('randomSource', () => {
  it('replays the same draws from the same seed', () => {
    const a = randomSource(7);
    const b = randomSource(7);
    const draws = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(draws);
    for (const draw of draws) expect(draw >= 0 && draw < 1).toBe(true);
  });
});
