import { BlockList, isIP } from 'node:net';

/**
 * Who sent a request. By default that is the peer of the TCP connection and nothing a client
 * writes in a header can change it. Behind reverse proxies, `TRUST_PROXY` says how much of
 * `X-Forwarded-For` to believe. Shared by the web server (which hands the result to route
 * handlers) and the collaboration server (which logs it), so both follow one rule.
 */

/** One trusted address range (a single address is a range with the full prefix). */
export interface IpRange {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

export type TrustProxy =
  /** Forwarding headers are ignored: the client is the TCP peer. */
  | { kind: 'none' }
  /** Exactly this many proxies stand in front of the server; every request passes through them. */
  | { kind: 'hops'; hops: number }
  /** Peers in these ranges are proxies; the client is the nearest address outside them. */
  | { kind: 'addresses'; ranges: IpRange[] };

/**
 * The request header that carries the address to route handlers. The web server deletes any
 * copy a client sent before setting it, so handlers can believe it.
 */
export const CLIENT_IP_HEADER = 'x-tandem-client-ip';

const MAX_HOPS = 20;
const LOOPBACK: IpRange[] = [
  { address: '127.0.0.0', prefix: 8, family: 'ipv4' },
  { address: '::1', prefix: 128, family: 'ipv6' },
];

/** `::ffff:1.2.3.4` → `1.2.3.4`; IPv6 in lower case; anything that is not an address → undefined. */
export function normalizeIp(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const v = value.trim().toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(v);
  if (mapped && isIP(mapped[1]) === 4) return mapped[1];
  return isIP(v) ? v : undefined;
}

/** One `X-Forwarded-For` element: `1.2.3.4`, `1.2.3.4:5678`, `[2001:db8::1]:443` or `2001:db8::1`. */
function forwardedAddress(entry: string): string | undefined {
  const e = entry.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(e);
  if (bracketed) return normalizeIp(bracketed[1]);
  const v4WithPort = /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(e);
  return normalizeIp(v4WithPort ? v4WithPort[1] : e);
}

function parseRange(item: string): IpRange[] | undefined {
  if (item === 'loopback') return LOOPBACK;
  const [addr, prefixText, extra] = item.split('/');
  if (extra !== undefined) return undefined;
  const address = normalizeIp(addr);
  if (!address) return undefined;
  const family = isIP(address) === 4 ? 'ipv4' : 'ipv6';
  const max = family === 'ipv4' ? 32 : 128;
  if (prefixText === undefined) return [{ address, prefix: max, family }];
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max) return undefined;
  return [{ address, prefix: Number(prefixText), family }];
}

/**
 * Parses `TRUST_PROXY`: a number of proxy hops (`0` trusts none), or a comma-separated list of
 * proxy addresses and CIDR ranges (`loopback` is 127.0.0.0/8 and ::1). Undefined when invalid.
 */
export function parseTrustProxy(value: string): TrustProxy | undefined {
  const v = value.trim();
  if (/^\d+$/.test(v)) {
    const hops = Number(v);
    if (hops > MAX_HOPS) return undefined;
    return hops === 0 ? { kind: 'none' } : { kind: 'hops', hops };
  }
  const items = v.split(',').map((s) => s.trim().toLowerCase());
  if (items.some((s) => s === '')) return undefined;
  const ranges: IpRange[] = [];
  for (const item of items) {
    const r = parseRange(item);
    if (!r) return undefined;
    ranges.push(...r);
  }
  return { kind: 'addresses', ranges };
}

const blockLists = new WeakMap<IpRange[], BlockList>();

function isTrusted(ip: string, ranges: IpRange[]): boolean {
  let list = blockLists.get(ranges);
  if (!list) {
    list = new BlockList();
    for (const r of ranges) list.addSubnet(r.address, r.prefix, r.family);
    blockLists.set(ranges, list);
  }
  return list.check(ip, isIP(ip) === 4 ? 'ipv4' : 'ipv6');
}

/**
 * The client's address. `socketAddress` is the TCP peer; `forwardedFor` the `X-Forwarded-For`
 * header (Node joins repeated headers with commas). Walks the chain from the right, one trusted
 * proxy at a time; a malformed element stops the walk at the last address known to be real, so
 * a client cannot make the result something other than an address. `unknown` when the socket
 * is already gone.
 */
export function clientIp(socketAddress: string | undefined, forwardedFor: string | string[] | undefined, trust: TrustProxy): string {
  const peer = normalizeIp(socketAddress) ?? 'unknown';
  const chain = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? '')).split(',').filter((s) => s.trim() !== '');
  /** The element before the current one, i.e. who the current hop says it talked to. */
  const next = () => (chain.length ? forwardedAddress(chain.pop()!) : undefined);
  switch (trust.kind) {
    case 'none':
      return peer;
    case 'hops': {
      let ip = peer;
      for (let i = 0; i < trust.hops && ip !== 'unknown'; i++) {
        const prev = next();
        if (!prev) break;
        ip = prev;
      }
      return ip;
    }
    case 'addresses': {
      let ip = peer;
      while (ip !== 'unknown' && isTrusted(ip, trust.ranges)) {
        const prev = next();
        if (!prev) break;
        ip = prev;
      }
      return ip;
    }
    default: {
      const never: never = trust;
      throw new Error(`unknown trust ${JSON.stringify(never)}`);
    }
  }
}

/**
 * The bucket a per-address limit counts against: the address itself for IPv4, its /64 for IPv6,
 * since one IPv6 subscriber usually holds a whole /64 and could otherwise rotate freely.
 */
export function addressBucket(ip: string): string {
  if (isIP(ip) !== 6) return ip;
  const [head, tail = ''] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  // A trailing dotted IPv4 part (`64:ff9b::1.2.3.4`) fills two groups.
  const width = (parts: string[]) => parts.reduce((n, p) => n + (p.includes('.') ? 2 : 1), 0);
  const groups = ip.includes('::') ? [...left, ...Array(8 - width(left) - width(right)).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

const ANNOUNCED = Symbol.for('tandem.clientIpHeader');
type Marked = typeof globalThis & { [ANNOUNCED]?: boolean };

/** Called by the web server: from now on this process's requests carry {@link CLIENT_IP_HEADER}. */
export function announceClientIpHeader(): void {
  (globalThis as Marked)[ANNOUNCED] = true;
}

/**
 * The client address of a request handled in this process, or undefined when it is not known:
 * the header is believed only when Tandem's web server announced itself in this process (so
 * under a bare `next start` a client cannot choose its own address).
 */
export function trustedClientIp(headers: Headers): string | undefined {
  if (!(globalThis as Marked)[ANNOUNCED]) return undefined;
  return normalizeIp(headers.get(CLIENT_IP_HEADER) ?? undefined);
}
