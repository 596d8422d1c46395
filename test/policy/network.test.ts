import { canonicalCidr, hasHostBits, parseCidr } from '../../src/policy/network';
import { isNonPublicCidr } from '../../src/policy/non-public-cidr';

describe('runner network CIDRs', () => {
  it.each(['203.0.113.0/28', '0.0.0.0/0', '2001:db8::/32', '::1/128', 'fd00::/8'])('parses %s', (text) => {
    expect(parseCidr(text)).toBeDefined();
  });

  it.each(['203.0.113.0', '203.0.113.0/33', '256.1.1.1/8', '01.2.3.4/8', '2001:db8:::/32', 'fe80::1::2/64', 'abc/8'])(
    'rejects %s',
    (text) => {
      expect(parseCidr(text)).toBeUndefined();
    },
  );

  it('finds host bits and gives the network address', () => {
    const cidr = parseCidr('203.0.113.5/28')!;
    expect(hasHostBits(cidr)).toBe(true);
    expect(canonicalCidr(cidr)).toBe('203.0.113.0/28');
    expect(canonicalCidr(parseCidr('2001:db8::1/32')!)).toBe('2001:db8:0:0:0:0:0:0/32');
  });

  it.each([
    ['10.1.0.0/16', true],
    ['172.20.0.0/16', true],
    ['192.168.1.0/24', true],
    ['100.64.0.0/10', true],
    ['203.0.113.0/28', false],
    ['8.8.8.0/24', false],
    ['fd12::/16', true],
    ['2001:db8::/32', false],
  ])('%s non-public: %s', (text, expected) => {
    expect(isNonPublicCidr(parseCidr(text)!)).toBe(expected);
  });
});
