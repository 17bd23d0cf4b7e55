import { isIP } from 'node:net';

function v4ToInt(ip: string): number {
  return ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0) >>> 0;
}

/** IPv4 ranges no webhook may reach: RFC 6890 special-purpose blocks, cloud metadata included. */
const V4_REFUSED: Array<[string, number]> = [
  ['0.0.0.0', 8], // "this network"; 0.0.0.0 reaches the local host on Linux
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // CGNAT; Alibaba's metadata is 100.100.100.200
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local; AWS/GCP/Azure metadata is 169.254.169.254
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and 255.255.255.255 broadcast
];

function isRefusedV4(n: number): boolean {
  return V4_REFUSED.some(([base, bits]) => {
    const mask = (0xffffffff << (32 - bits)) >>> 0;
    return (n & mask) >>> 0 === (v4ToInt(base) & mask) >>> 0;
  });
}

/** The eight 16-bit groups of an IPv6 address (zone and embedded dotted IPv4 allowed), or undefined. */
export function parseIPv6(ip: string): number[] | undefined {
  let s = ip.replace(/%.*$/, '').toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (dotted) {
    if (isIP(dotted[1] as string) !== 4) return undefined;
    const n = v4ToInt(dotted[1] as string);
    s = `${s.slice(0, dotted.index)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const part = (h: string) => (h === '' ? [] : h.split(':'));
  const head = part(halves[0] as string);
  const tail = halves.length === 2 ? part(halves[1] as string) : [];
  const fill = 8 - head.length - tail.length;
  if (halves.length === 2 ? fill < 1 : fill !== 0) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? fill : 0).fill('0'), ...tail];
  if (groups.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return undefined;
  return groups.map((g) => Number.parseInt(g, 16));
}

function isRefusedV6(g: number[]): boolean {
  const [g0, g1, g2, g3, g4, g5, g6, g7] = g as [number, number, number, number, number, number, number, number];
  const v4 = ((g6 << 16) | g7) >>> 0;
  const zeroTo = (end: number) => g.slice(0, end).every((x) => x === 0);
  // ::ffff:a.b.c.d (IPv4-mapped): the socket reaches a.b.c.d, so judge that.
  if (zeroTo(5) && g5 === 0xffff) return isRefusedV4(v4);
  // NAT64 well-known prefix 64:ff9b::/96 (RFC 6052) reaches its embedded IPv4 through the translator.
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return isRefusedV4(v4);
  // 6to4 2002::/16 carries an IPv4 address in its next 32 bits.
  if (g0 === 0x2002) return isRefusedV4(((g1 << 16) | g2) >>> 0);
  // Global unicast is 2000::/3; everything else (::, ::1, ::/96 IPv4-compatible, 64:ff9b:1::/48,
  // 100::/64 discard, fc00::/7 unique-local incl. AWS fd00:ec2::254, fe80::/10, fec0::/10, ff00::/8) is refused.
  if ((g0 & 0xe000) !== 0x2000) return true;
  // 2001::/23 (Teredo, ORCHID, benchmarking) and 2001:db8::/32 documentation.
  if (g0 === 0x2001 && (g1 < 0x200 || g1 === 0xdb8)) return true;
  return false;
}

/**
 * True for every address a webhook must not reach: loopback, private, link-local, unique-local,
 * CGNAT, benchmarking, documentation, multicast, broadcast, unspecified and cloud metadata, in
 * IPv4 and IPv6, including IPv4 spelled inside IPv6 (mapped, NAT64, 6to4). Not an IP: true.
 */
export function isPrivateAddress(ip: string): boolean {
  const family = isIP(ip);
  if (family === 4) return isRefusedV4(v4ToInt(ip));
  if (family === 6) {
    const groups = parseIPv6(ip);
    return groups === undefined || isRefusedV6(groups);
  }
  return true;
}
