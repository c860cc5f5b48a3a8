import { describe, expect, it } from 'vitest';
import { clientAddress } from './client-address.ts';

describe('clientAddress', () => {
  it('counts an IPv4 client as its IPv4 address however the library spells it', () => {
    expect(clientAddress('127.0.0.1')).toBe('127.0.0.1');
    expect(clientAddress('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(clientAddress('0000:0000:0000:0000:0000:ffff:7f00:0001')).toBe('127.0.0.1');
    expect(clientAddress('::ffff:c0a8:0101')).toBe('192.168.1.1');
  });

  it('writes IPv6 addresses in their short form', () => {
    expect(clientAddress('0000:0000:0000:0000:0000:0000:0000:0001')).toBe('::1');
    expect(clientAddress('::1')).toBe('::1');
    expect(clientAddress('2001:0db8:0000:0000:0001:0000:0000:0001')).toBe('2001:db8::1:0:0:1');
    expect(clientAddress('2001:DB8:0:0:0:0:0:1')).toBe('2001:db8::1');
    expect(clientAddress('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2:3:4:5:6');
  });

  it('keeps what it cannot parse, and names a missing address', () => {
    expect(clientAddress('')).toBe('unknown');
    expect(clientAddress('fe80::1%eth0')).toBe('fe80::1%eth0');
  });
});
