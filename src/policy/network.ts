/**
 * CIDR parsing for the policy's runner networks. Pure (no node:net) because the settings page
 * validates with the same schema in the browser.
 */

export interface Cidr {
  readonly version: 4 | 6;
  readonly bytes: number[];
  readonly prefix: number;
}

function parseIpv4(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const bytes: number[] = [];
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return undefined;
    const value = Number(part);
    if (value > 255) return undefined;
    bytes.push(value);
  }
  return bytes;
}

function parseIpv6(text: string): number[] | undefined {
  if (!/^[0-9a-fA-F:]+$/.test(text) || text.length > 39) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (half: string) => (half === '' ? [] : half.split(':'));
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  const bytes: number[] = [];
  for (const group of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
    const value = parseInt(group, 16);
    bytes.push(value >> 8, value & 0xff);
  }
  return bytes;
}

export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const address = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  const v4 = parseIpv4(address);
  if (v4) return prefix <= 32 ? { version: 4, bytes: v4, prefix } : undefined;
  const v6 = parseIpv6(address);
  if (v6) return prefix <= 128 ? { version: 6, bytes: v6, prefix } : undefined;
  return undefined;
}

function maskedBytes(cidr: Cidr): number[] {
  return cidr.bytes.map((byte, index) => {
    const bitsLeft = cidr.prefix - index * 8;
    if (bitsLeft >= 8) return byte;
    if (bitsLeft <= 0) return 0;
    return byte & ((0xff << (8 - bitsLeft)) & 0xff);
  });
}

function formatAddress(version: 4 | 6, bytes: number[]): string {
  if (version === 4) return bytes.join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  return groups.join(':');
}

/** The network address when `cidr` has host bits set (e.g. 203.0.113.5/28 → 203.0.113.0/28). */
export function canonicalCidr(cidr: Cidr): string {
  return `${formatAddress(cidr.version, maskedBytes(cidr))}/${cidr.prefix}`;
}

export function hasHostBits(cidr: Cidr): boolean {
  return maskedBytes(cidr).some((byte, index) => byte !== cidr.bytes[index]);
}
