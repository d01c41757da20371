import { describe, expect, it } from '@jest/globals';
import { fuzz } from '@relais/testing';
import fc from 'fast-check';
import { BlockList, isIP } from 'node:net';

import { addressRange, isPublicAddress, webhookHostProblem } from './webhook-address.js';

// The reference: the ranges restated from the RFCs as Node's own BlockList, which parses addresses
// with libuv's inet_pton. The classifier under test shares neither its parser nor its arithmetic.
const REF4 = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  REF4.addSubnet(net, bits, 'ipv4');
}
const REF6 = new BlockList();
// Everything outside 2000::/3 (global unicast), and what is not public inside it.
for (const [net, bits] of [
  ['::', 3],
  ['4000::', 2],
  ['8000::', 1],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['3fff::', 20],
] as const) {
  REF6.addSubnet(net, bits, 'ipv6');
}

const dotted = (v: number): string => [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.');
const publicV4 = (v: number): boolean => !REF4.check(dotted(v), 'ipv4');

/** What the reference says of eight groups: addresses that embed an IPv4 one are judged by it. */
function publicV6(g: readonly number[]): boolean {
  const at = (i: number): number => g[i] ?? 0;
  const tail = at(6) * 0x10000 + at(7);
  if ([0, 1, 2, 3, 4].every((i) => at(i) === 0) && at(5) === 0xffff) return publicV4(tail);
  if (at(0) === 0x64 && at(1) === 0xff9b && [2, 3, 4, 5].every((i) => at(i) === 0)) return publicV4(tail);
  if (at(0) === 0x2002) return publicV4(at(1) * 0x10000 + at(2));
  return !REF6.check(g.map((x) => x.toString(16)).join(':'), 'ipv6');
}

/** Addresses near every boundary: a range's base, plus or minus a little, or anywhere. */
const v4 = fc.oneof(
  fc.nat({ max: 0xffffffff }),
  fc
    .tuple(
      fc.constantFrom(0, 0x0a000000, 0x64400000, 0x7f000000, 0xa9fe0000, 0xac100000, 0xc0000000, 0xc0000200, 0xc0586300, 0xc0a80000, 0xc6120000, 0xc6336400, 0xcb007100, 0xe0000000, 0xf0000000, 0xffffffff, 0xa9fea9fe),
      fc.integer({ min: -0x400000, max: 0x400000 }),
    )
    .map(([base, delta]) => (base + delta + 0x100000000) % 0x100000000),
);

const group = fc.integer({ min: 0, max: 0xffff });
const v6 = fc.oneof(
  fc.array(group, { minLength: 8, maxLength: 8 }),
  // The prefixes that matter, with the rest random (or zero, for the compressed forms).
  fc
    .tuple(
      fc.constantFrom([0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0xffff], [0x64, 0xff9b, 0, 0, 0, 0], [0x64, 0xff9b, 1], [0x2002], [0x2001, 0xdb8], [0x2001], [0x2001, 0x1ff], [0x2001, 0x200], [0xfc00], [0xfdff], [0xfe80], [0xfebf], [0xfec0], [0xff02], [0x3fff], [0x3ff0], [0x2400, 0xcb00], [0x100, 0, 0, 0], [0x1fff], [0x4000]),
      fc.array(group, { minLength: 8, maxLength: 8 }),
      v4,
    )
    .map(([prefix, rest, embedded]) => {
      const groups = [...prefix, ...rest].slice(0, 8);
      if (prefix.length === 6) return [...prefix, embedded >>> 16, embedded & 0xffff];
      if (prefix[0] === 0x2002) return [0x2002, embedded >>> 16, embedded & 0xffff, ...rest.slice(3)];
      return groups;
    }),
);

/** The ways an IPv6 address may be written: full, zero-padded, compressed, upper case, IPv4 tail. */
function written(g: readonly number[], style: number): string {
  const hex = g.map((x) => x.toString(16));
  switch (style) {
    case 0:
      return hex.join(':');
    case 1:
      return g.map((x) => x.toString(16).padStart(4, '0').toUpperCase()).join(':');
    case 2: {
      // The longest run of zero groups as `::`.
      let best = [-1, 0];
      for (let i = 0; i < 8; i += 1) {
        let j = i;
        while (j < 8 && g[j] === 0) j += 1;
        if (j - i > (best[1] ?? 0)) best = [i, j - i];
        i = j;
      }
      const [start = -1, length = 0] = best;
      if (length < 1) return hex.join(':');
      return `${hex.slice(0, start).join(':')}::${hex.slice(start + length).join(':')}`;
    }
    default:
      return `${hex.slice(0, 6).join(':')}:${dotted(((g[6] ?? 0) * 0x10000 + (g[7] ?? 0)) >>> 0)}`;
  }
}

describe('the webhook address classifier (fuzzed against net.BlockList)', () => {
  it('judges every IPv4 address as the reference does', async () => {
    await fuzz(
      'webhook-address: IPv4',
      fc.property(v4, (value) => {
        expect(isPublicAddress(dotted(value))).toBe(publicV4(value));
      }),
      { runs: 1_000 },
    );
  });

  it('judges every IPv6 address, however written, as the reference does', async () => {
    await fuzz(
      'webhook-address: IPv6',
      fc.property(v6, fc.integer({ min: 0, max: 3 }), fc.boolean(), (groups, style, bracketed) => {
        const text = written(groups, style);
        expect(isIP(text)).toBe(6);
        expect(isPublicAddress(bracketed ? `[${text}]` : text)).toBe(publicV6(groups));
      }),
      { runs: 1_000 },
    );
  });

  it('sees through the IPv4 shorthands a URL accepts (decimal, hex, octal, short forms)', async () => {
    const forms = (value: number, style: number): string => {
      const [a, b, c, d] = [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255];
      switch (style) {
        case 0:
          return String(value);
        case 1:
          return `0x${value.toString(16)}`;
        case 2:
          return `0${a.toString(8)}.0${b.toString(8)}.0${c.toString(8)}.0${d.toString(8)}`;
        case 3:
          return `${a}.${(value & 0xffffff).toString()}`;
        case 4:
          return `0x${a.toString(16)}.${b}.${(value & 0xffff).toString()}`;
        default:
          return `${dotted(value)}.`;
      }
    };
    await fuzz(
      'webhook-address: URL IPv4 shorthands',
      fc.property(v4, fc.integer({ min: 0, max: 5 }), (value, style) => {
        const { hostname } = new URL(`http://${forms(value, style)}:8080/hook`);
        expect(webhookHostProblem(hostname) === undefined).toBe(publicV4(value));
      }),
      { runs: 500 },
    );
  });

  it('sees through IPv6 literals in a URL (mapped, NAT64, 6to4)', async () => {
    await fuzz(
      'webhook-address: URL IPv6 literals',
      fc.property(v6, fc.integer({ min: 0, max: 3 }), (groups, style) => {
        const { hostname } = new URL(`https://[${written(groups, style)}]/hook`);
        expect(webhookHostProblem(hostname) === undefined).toBe(publicV6(groups));
      }),
      { runs: 1_000 },
    );
  });

  it('reads as an address exactly what Node reads as one, and never throws', async () => {
    await fuzz(
      'webhook-address: junk',
      fc.property(fc.oneof(fc.string({ unit: fc.constantFrom(...Array.from('0123456789abcdefABCDEF:.x')), maxLength: 45 }), fc.string()), (text) => {
        const range = addressRange(text);
        // Node accepts a leading-zero IPv4 part nowhere, and zone ids only after `%`, which this alphabet lacks.
        expect(range !== 'invalid').toBe(isIP(text) !== 0);
      }),
      { runs: 1_000 },
    );
  });
});

describe('the webhook address classifier, by example', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['10.1.2.3', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.0', 'public'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'shared'],
    ['0.0.0.0', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['224.0.0.1', 'multicast'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['[::ffff:7f00:1]', 'loopback'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['2002:c0a8:101::1', 'private'],
    ['fd00::1', 'unique-local'],
    ['fe80::1%eth0', 'link-local'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'documentation'],
    // Found by the fuzzing: 3fff::/20 ends at 3fff:fff:…, 3fff:1000:: is global unicast.
    ['3fff:fff::1', 'documentation'],
    ['3fff:1000::', 'public'],
    ['2a01:e0a:1::1', 'public'],
    ['93.184.215.14', 'public'],
    ['01.2.3.4', 'invalid'],
    ['erp.example.fr', 'invalid'],
  ])('%s is %s', (address, range) => {
    expect(addressRange(address)).toBe(range);
  });

  it.each(['http://2130706433/', 'http://0x7f.1/', 'http://127.1/', 'http://0/', 'http://[::ffff:127.0.0.1]/', 'http://localhost:3000/', 'http://api.localhost./', 'http://169.254.169.254/latest/meta-data/'])(
    'refuses %s at registration',
    (url) => {
      expect(webhookHostProblem(new URL(url).hostname)).toMatch(/public addresses only/);
    },
  );

  it('lets a public address or a name through at registration (names are checked at delivery)', () => {
    expect(webhookHostProblem(new URL('https://erp.example.fr/hook').hostname)).toBeUndefined();
    expect(webhookHostProblem(new URL('https://93.184.215.14/hook').hostname)).toBeUndefined();
  });
});
