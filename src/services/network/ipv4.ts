/** Small IPv4/CIDR helpers for the VNet pool (no dependency needed for /8../30 arithmetic). */

export function ipToInt(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`not an IPv4 address: ${ip}`);
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export interface Cidr {
  network: number;
  prefix: number;
}

export function parseCidr(cidr: string): Cidr {
  const [ip, bits] = cidr.split('/');
  const prefix = Number(bits);
  if (!ip || !Number.isInteger(prefix) || prefix < 0 || prefix > 32) throw new Error(`not an IPv4 CIDR: ${cidr}`);
  const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
  return { network: (ipToInt(ip) & mask) >>> 0, prefix };
}

export const cidrSize = (c: Cidr): number => 2 ** (32 - c.prefix);
export const formatCidr = (c: Cidr): string => `${intToIp(c.network)}/${c.prefix}`;

export function overlaps(a: Cidr, b: Cidr): boolean {
  const aEnd = a.network + cidrSize(a) - 1;
  const bEnd = b.network + cidrSize(b) - 1;
  return a.network <= bEnd && b.network <= aEnd;
}

/** Splits a pool (e.g. 10.89.128.0/17) into subnets of `prefix` bits (e.g. /24), in order. */
export function* splitPool(pool: string, prefix: number): Generator<Cidr> {
  const p = parseCidr(pool);
  if (prefix < p.prefix || prefix > 30) throw new Error(`cannot split ${pool} into /${prefix}`);
  const step = 2 ** (32 - prefix);
  for (let n = p.network; n < p.network + cidrSize(p); n += step) yield { network: n, prefix };
}

/** Host addresses usable for containers: skips the network address, the gateway (.1) and broadcast. */
export function* hostAddresses(c: Cidr): Generator<string> {
  for (let n = c.network + 2; n < c.network + cidrSize(c) - 1; n++) yield intToIp(n);
}

export const gatewayOf = (c: Cidr): string => intToIp(c.network + 1);
