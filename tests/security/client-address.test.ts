import { addressKey } from '@vigil/server';
import { describe, expect, it } from 'vitest';

/**
 * Budgets and the sign-in throttle count a client by its address. An IPv6 subscriber is
 * given a /64 at least, so counting whole addresses would let one client take a fresh one
 * per guess: they count by /64, and an IPv4 address arriving IPv4-mapped as itself.
 */
describe('client addresses as budgets and throttles count them', () => {
  it('every address of one IPv6 /64 is one client, however it is written', () => {
    const one = ['2001:db8:85a3:12::1', '2001:db8:85a3:12:ffff:ffff:ffff:ffff', '2001:0DB8:85A3:0012:0:0:0:7', '2001:db8:85a3:12::abcd:1'];
    expect(new Set(one.map(addressKey))).toEqual(new Set(['2001:db8:85a3:12::/64']));
    expect(addressKey('2001:db8:85a3:13::1')).not.toBe(addressKey('2001:db8:85a3:12::1'));
  });

  it('IPv4 addresses stay themselves, IPv4-mapped ones too', () => {
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('203.0.113.8')).not.toBe(addressKey('203.0.113.7'));
  });
});
