/**
 * Private, shared and loopback ranges, for the trust policy's source-IP conditions: apart from network.ts, which the
 * provider's policy validation loads, because only the trust commands ask.
 */
import type { Cidr } from './network';

const PRIVATE_V4: Array<[number[], number]> = [
  [[10, 0, 0, 0], 8],
  [[172, 16, 0, 0], 12],
  [[192, 168, 0, 0], 16],
  [[100, 64, 0, 0], 10],
  [[127, 0, 0, 0], 8],
  [[169, 254, 0, 0], 16],
];

function withinV4(bytes: number[], [base, prefix]: [number[], number]): boolean {
  const value = (b: number[]) => ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return (value(bytes) & mask) === (value(base) & mask);
}

/**
 * True when the range is private, shared or loopback address space. Such addresses never appear
 * as `aws:SourceIp`, which only carries public caller addresses.
 */
export function isNonPublicCidr(cidr: Cidr): boolean {
  if (cidr.version === 4) return PRIVATE_V4.some((range) => cidr.prefix >= range[1] && withinV4(cidr.bytes, range));
  const first = cidr.bytes[0];
  return (
    (first & 0xfe) === 0xfc ||
    (first === 0xfe && (cidr.bytes[1] & 0xc0) === 0x80) ||
    cidr.bytes.every((b, i) => (i === 15 ? b === 1 : b === 0))
  );
}
