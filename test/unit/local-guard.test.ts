/**
 * The guard of the local servers on its own: which Host and Origin names pass, which bodies may change
 * something, and how ALLOWED_HOSTS is read.
 */
import { describe, expect, it } from 'vitest';
import {
  hostName,
  parseAllowedHosts,
  refuseForeignHost,
  refuseUndeclaredBody,
} from '../../src/local-guard.js';

describe('the Host and Origin a local server answers', () => {
  it.each([
    ['evil.example'],
    ['evil.example:3000'],
    ['localhost.evil.example:3000'],
    ['127.0.0.1.nip.io:3000'],
    ['0.0.0.0:3000'],
    [''],
    ['localhost:3000:1'],
  ])('refuses Host "%s" with 403, naming it and ALLOWED_HOSTS', (host) => {
    const refused = refuseForeignHost({ host }, [], 'The console');
    expect(refused?.status).toBe(403);
    expect(refused?.error).toContain(`Host "${host}"`);
    expect(refused?.error).toContain('ALLOWED_HOSTS');
  });

  it('refuses a request with no Host at all', () => {
    expect(refuseForeignHost({}, [], 'The console')?.status).toBe(403);
  });

  it.each([
    ['https://evil.example'],
    ['http://evil.example:3000'],
    ['null'],
    ['file://'],
    ['http://localhost.evil.example'],
  ])('refuses a page at Origin %s, even with a loopback Host', (origin) => {
    const refused = refuseForeignHost({ host: 'localhost:3000', origin }, [], 'The console');
    expect(refused?.status).toBe(403);
    expect(refused?.error).toContain(origin);
  });

  it.each([['localhost:3000'], ['127.0.0.1:4566'], ['[::1]:3000'], ['LOCALHOST'], ['127.0.0.1']])(
    'answers the loopback Host %s',
    (host) => {
      expect(refuseForeignHost({ host }, [], 'The console')).toBeUndefined();
    },
  );

  it('answers its own page (Origin http://localhost:PORT) and the names ALLOWED_HOSTS lists', () => {
    expect(
      refuseForeignHost({ host: 'localhost:3000', origin: 'http://localhost:3000' }, [], 'c'),
    ).toBeUndefined();
    const lan = ['access-desk.lan'];
    expect(
      refuseForeignHost({ host: 'access-desk.lan:3000', origin: 'http://access-desk.lan:3000' }, lan, 'c'),
    ).toBeUndefined();
    expect(refuseForeignHost({ host: 'other.lan:3000' }, lan, 'c')?.status).toBe(403);
  });

  it('reads the name out of a Host header, brackets kept for IPv6', () => {
    expect(hostName('[::1]:4566')).toBe('[::1]');
    expect(hostName('Example.COM:80')).toBe('example.com');
    expect(hostName('a:b:c')).toBeUndefined();
  });
});

describe('the body of a request that changes something', () => {
  it.each([
    ['text/plain;charset=UTF-8'],
    ['application/x-www-form-urlencoded'],
    ['multipart/form-data; boundary=x'],
    [undefined],
  ])('refuses %s with 415, naming it and application/json', (type) => {
    const refused = refuseUndeclaredBody('POST', '/console/api/command', type);
    expect(refused?.status).toBe(415);
    expect(refused?.error).toContain('Content-Type: application/json');
    expect(refused?.error).toContain(type === undefined ? 'not none' : `"${type.split(';')[0]}"`);
  });

  it('accepts JSON with parameters, and lets GET through without one', () => {
    expect(refuseUndeclaredBody('POST', '/x', 'application/json; charset=utf-8')).toBeUndefined();
    expect(refuseUndeclaredBody('GET', '/x', undefined)).toBeUndefined();
    expect(refuseUndeclaredBody('DELETE', '/x', undefined)?.status).toBe(415);
  });
});

describe('ALLOWED_HOSTS', () => {
  it('takes names separated by commas, lower-cased', () => {
    expect(parseAllowedHosts(' Access-Desk.lan , 192.168.1.20,')).toEqual({
      ok: true,
      hosts: ['access-desk.lan', '192.168.1.20'],
    });
    expect(parseAllowedHosts(undefined)).toEqual({ ok: true, hosts: [] });
  });

  it.each([['http://access-desk.lan'], ['access-desk.lan:3000'], ['*'], ['a b']])(
    'refuses "%s", naming the variable and the form',
    (raw) => {
      const parsed = parseAllowedHosts(raw);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.problem).toMatch(/^ALLOWED_HOSTS: ".*" is not a host name/);
    },
  );
});
