/**
 * Which addresses a webhook may reach. A webhook URL is chosen by a collectivité, so without a check the
 * notifier would POST wherever it is told: the platform's own loopback services, the cloud metadata
 * endpoint (169.254.169.254), the operator's private network. Only public unicast addresses are allowed,
 * unless the operator says otherwise (`RELAIS_WEBHOOK_ALLOW_PRIVATE=true`, for receivers on the same
 * machine in development and tests). The gateway checks a URL's literal address at registration; the
 * notifier checks every address a name resolves to at each delivery, and connects to the address it
 * checked, so that a name answering differently the second time (DNS rebinding) gains nothing.
 */

/** The stable code of a webhook address refused, at registration (422) or at delivery. */
export const WEBHOOK_ADDRESS_NOT_ALLOWED = 'WEBHOOK.ADDRESS_NOT_ALLOWED';

/** What kind of address an IP is; only `public` may be reached by a webhook. */
export type AddressRange =
  | 'public'
  /** Not an IP address at all (the caller had a name, or junk). */
  | 'invalid'
  /** 0.0.0.0/8, `::`: "this host", which connects to the machine itself on most systems. */
  | 'unspecified'
  | 'loopback'
  /** RFC 1918 (10/8, 172.16/12, 192.168/16), NAT64 local-use 64:ff9b:1::/48. */
  | 'private'
  /** Carrier-grade NAT, 100.64.0.0/10 (RFC 6598). */
  | 'shared'
  /** 169.254/16 (the cloud metadata endpoint lives there), fe80::/10. */
  | 'link-local'
  /** fc00::/7 (RFC 4193). */
  | 'unique-local'
  /** fec0::/10, deprecated but still routed inside some networks. */
  | 'site-local'
  | 'multicast'
  | 'broadcast'
  /** TEST-NET-1/2/3, 2001:db8::/32, 3fff::/20: never a real host. */
  | 'documentation'
  /** 198.18.0.0/15 (RFC 2544). */
  | 'benchmarking'
  /** IETF protocol assignments: 192.0.0.0/24, 2001::/23 (Teredo among them). */
  | 'protocol'
  /** Anything else that is not public unicast: 240/4, 192.88.99/24, ::/96, 100::/64, outside 2000::/3. */
  | 'reserved';

interface V4Range {
  readonly base: number;
  readonly bits: number;
  readonly range: Exclude<AddressRange, 'public' | 'invalid'>;
}

// Most specific first where ranges nest (255.255.255.255 inside 240/4).
const V4_RANGES: readonly V4Range[] = [
  { base: 0xffffffff, bits: 32, range: 'broadcast' },
  { base: 0x00000000, bits: 8, range: 'unspecified' },
  { base: 0x0a000000, bits: 8, range: 'private' },
  { base: 0x64400000, bits: 10, range: 'shared' },
  { base: 0x7f000000, bits: 8, range: 'loopback' },
  { base: 0xa9fe0000, bits: 16, range: 'link-local' },
  { base: 0xac100000, bits: 12, range: 'private' },
  { base: 0xc0000000, bits: 24, range: 'protocol' },
  { base: 0xc0000200, bits: 24, range: 'documentation' },
  { base: 0xc0586300, bits: 24, range: 'reserved' },
  { base: 0xc0a80000, bits: 16, range: 'private' },
  { base: 0xc6120000, bits: 15, range: 'benchmarking' },
  { base: 0xc6336400, bits: 24, range: 'documentation' },
  { base: 0xcb007100, bits: 24, range: 'documentation' },
  { base: 0xe0000000, bits: 4, range: 'multicast' },
  { base: 0xf0000000, bits: 4, range: 'reserved' },
];

/** The range of an IPv4 address given as its 32-bit value. */
export function ipv4Range(value: number): AddressRange {
  for (const { base, bits, range } of V4_RANGES) {
    // `>>> 0` keeps the comparison unsigned; a /32 mask is all ones.
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    if ((value & mask) >>> 0 === base) return range;
  }
  return 'public';
}

/** An IPv4 address written as four decimal numbers 0..255, as resolvers and WHATWG URLs print it. */
function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    // Leading zeros are refused rather than guessed at: some parsers read them as octal.
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return undefined;
    const byte = Number(part);
    if (byte > 255) return undefined;
    value = value * 256 + byte;
  }
  return value;
}

/** An IPv6 address as its eight 16-bit groups, or undefined when `text` is not one. */
function parseIpv6(text: string): number[] | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (half: string, last: boolean): number[] | undefined => {
    if (half === '') return [];
    const out: number[] = [];
    const pieces = half.split(':');
    for (const [index, piece] of pieces.entries()) {
      if (last && index === pieces.length - 1 && piece.includes('.')) {
        const v4 = parseIpv4(piece);
        if (v4 === undefined) return undefined;
        out.push(Math.floor(v4 / 0x10000), v4 % 0x10000);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(piece)) {
        out.push(Number.parseInt(piece, 16));
      } else {
        return undefined;
      }
    }
    return out;
  };
  if (halves.length === 1) {
    const groups = groupsOf(text, true);
    return groups?.length === 8 ? groups : undefined;
  }
  const head = groupsOf(halves[0] ?? '', false);
  const tail = groupsOf(halves[1] ?? '', true);
  if (head === undefined || tail === undefined || head.length + tail.length > 7) return undefined;
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}

function ipv6Range(g: readonly number[]): AddressRange {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
  const v4Tail = g6 * 0x10000 + g7;
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0) {
    if (g5 === 0xffff) return ipv4Range(v4Tail); // ::ffff:a.b.c.d, IPv4-mapped: what the socket reaches.
    if (g5 === 0) {
      if (v4Tail === 0) return 'unspecified';
      if (v4Tail === 1) return 'loopback';
      return 'reserved'; // ::a.b.c.d, IPv4-compatible, deprecated.
    }
    return 'reserved';
  }
  // 64:ff9b::/96, the NAT64 well-known prefix: the gateway forwards to the embedded IPv4 address.
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return ipv4Range(v4Tail);
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 1) return 'private';
  if (g0 === 0x100 && g1 === 0 && g2 === 0 && g3 === 0) return 'reserved';
  if (g0 === 0x2001 && g1 < 0x200) return 'protocol';
  if (g0 === 0x2001 && g1 === 0xdb8) return 'documentation';
  // 2002::/16, 6to4: the relay forwards to the IPv4 address in bits 16..48.
  if (g0 === 0x2002) return ipv4Range(g1 * 0x10000 + g2);
  if (g0 === 0x3fff && g1 < 0x1000) return 'documentation'; // 3fff::/20 (RFC 9637)
  if ((g0 & 0xfe00) === 0xfc00) return 'unique-local';
  if ((g0 & 0xffc0) === 0xfe80) return 'link-local';
  if ((g0 & 0xffc0) === 0xfec0) return 'site-local';
  if ((g0 & 0xff00) === 0xff00) return 'multicast';
  // Only 2000::/3 is global unicast; the rest is unallocated.
  if ((g0 & 0xe000) !== 0x2000) return 'reserved';
  return 'public';
}

/**
 * The range of an IP address as a resolver or a WHATWG URL prints it: IPv4 dotted decimal, or IPv6 with
 * or without brackets and zone (`[fe80::1%eth0]`). IPv4-mapped, NAT64 and 6to4 addresses are judged by the
 * IPv4 address they reach. Anything else is `invalid`: names are resolved first, and a check never
 * guesses at octal or hexadecimal shorthands (WHATWG URLs rewrite those to dotted decimal already).
 */
export function addressRange(address: string): AddressRange {
  const v4 = parseIpv4(address);
  if (v4 !== undefined) return ipv4Range(v4);
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const zone = bare.indexOf('%');
  const groups = parseIpv6(zone === -1 ? bare : bare.slice(0, zone));
  return groups === undefined ? 'invalid' : ipv6Range(groups);
}

/** Whether `address` is an IP address of a public unicast range. */
export function isPublicAddress(address: string): boolean {
  return addressRange(address) === 'public';
}

/** Names that always mean this machine (RFC 6761), whatever a resolver says. */
function isLocalhostName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}

/**
 * Why a webhook may not reach `hostname` (a WHATWG URL's `hostname`: IPv4 shorthands such as
 * `2130706433`, `0x7f.1` and `127.1` already rewritten to `127.0.0.1`), or undefined when it may as far
 * as can be told without resolving it: a public IP address, or a name other than `localhost`. Names are
 * checked again, resolved, at each delivery.
 */
export function webhookHostProblem(hostname: string): string | undefined {
  if (isLocalhostName(hostname)) return `${hostname} is this machine (loopback); webhooks reach public addresses only`;
  const range = addressRange(hostname);
  if (range === 'public' || range === 'invalid') return undefined;
  return `${hostname} is a ${range} address; webhooks reach public addresses only`;
}

/** Why a webhook may not reach the resolved `address`, or undefined when it may (a public unicast address). */
export function resolvedAddressProblem(hostname: string, address: string): string | undefined {
  const range = addressRange(address);
  if (range === 'public') return undefined;
  return `${hostname} resolves to ${address}, a ${range === 'invalid' ? 'unreadable' : range} address; webhooks reach public addresses only`;
}
