import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePostgresUrl, poolConfig, redactUrl } from '../../src/store/postgres.js';

describe('a PostgreSQL URL', () => {
  it('is read as PostgreSQL users write it: host, port, database, user and password', () => {
    const url = parsePostgresUrl('postgresql://desk%40app:p%40ss@db.internal:6432/access_desk');
    expect(url).toMatchObject({
      host: 'db.internal',
      port: 6432,
      database: 'access_desk',
      user: 'desk@app',
      password: 'p@ss',
      sslMode: 'disable',
    });
    expect(url.shown).toBe('postgresql://desk%40app:***@db.internal:6432/access_desk');
  });

  it('reaches a server on the same host (or a proxy) through the Unix socket folder host= names', () => {
    expect(parsePostgresUrl('postgres://desk@localhost/access_desk?host=/var/run/postgresql')).toMatchObject({
      host: '/var/run/postgresql',
      database: 'access_desk',
    });
    expect(poolConfig({ url: 'postgres://desk@cloudsql/access_desk?host=/cloudsql/p:r:i' }).host).toBe(
      '/cloudsql/p:r:i',
    );
    expect(() => parsePostgresUrl('postgres://desk@localhost/access_desk?host=db.internal')).toThrow(
      /host= must be the folder of the server's Unix socket/,
    );
  });

  it('is shown everywhere with its password masked, even when it is not a valid URL', () => {
    expect(redactUrl('postgres://u:secret@h/d')).toBe('postgres://u:***@h/d');
    expect(redactUrl('postgres://u:sec ret@h:x/d')).toBe('postgres://u:***@h:x/d');
    expect(redactUrl('postgres://h/d')).toBe('postgres://h/d');
  });

  it.each([
    ['not a url', /is not a URL/],
    ['mysql://u@h/d', /is not a PostgreSQL URL/],
    ['postgres://u@h', /names no database/],
    ['postgres://u@h/d?sslmode=prefer', /sslmode=prefer would fall back to an unencrypted connection/],
    ['postgres://u@h/d?sslmode=allow', /sslmode=allow would fall back/],
    [
      'postgres://u@h/d?sslmode=on',
      /sslmode must be one of disable, require, verify-ca, verify-full, not "on"/,
    ],
    ['postgres://u@h/d?sslmode=verify-ca', /verify-ca needs the CA's certificate/],
    [
      'postgres://u@h/d?ssl=true',
      /unknown parameter ssl \(known: sslmode, sslrootcert, application_name, connect_timeout, host\)/,
    ],
  ])('refuses %s, saying what would work', (url, why) => {
    expect(() => parsePostgresUrl(url)).toThrow(why);
  });

  it('never puts the password in a refusal', () => {
    expect(() => parsePostgresUrl('postgres://u:topsecret@h/d?sslmode=bogus')).toThrow(
      /^"postgres:\/\/u:\*\*\*@h\/d\?sslmode=bogus"/,
    );
    try {
      parsePostgresUrl('postgres://u:topsecret@h/d?sslmode=bogus');
    } catch (error) {
      expect((error as Error).message).not.toContain('topsecret');
    }
  });
});

describe('the TLS settings of the pool', () => {
  const ca = path.join(mkdtempSync(path.join(tmpdir(), 'access-desk-ca-')), 'ca.pem');
  writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');

  it('sends no TLS for sslmode=disable (or none given)', () => {
    expect(poolConfig({ url: 'postgres://u@h/d' }).ssl).toBe(false);
  });

  it('encrypts without checking the certificate for sslmode=require, as libpq does', () => {
    expect(poolConfig({ url: 'postgres://u@h/d?sslmode=require' }).ssl).toEqual({
      rejectUnauthorized: false,
    });
  });

  it('checks the certificate against the CA but not the host name for verify-ca', () => {
    const ssl = poolConfig({ url: `postgres://u@h/d?sslmode=verify-ca&sslrootcert=${ca}` }).ssl;
    expect((ssl as { ca: string }).ca).toContain('BEGIN CERTIFICATE');
    expect(ssl).not.toHaveProperty('rejectUnauthorized');
    expect((ssl as { checkServerIdentity: () => unknown }).checkServerIdentity()).toBeUndefined();
  });

  it('checks the certificate and the host name for verify-full, with database.caFile winning over sslrootcert', () => {
    const ssl = poolConfig({
      url: 'postgres://u@h/d?sslmode=verify-full&sslrootcert=/nowhere.pem',
      caFile: ca,
    }).ssl;
    expect(Object.keys(ssl as object)).toEqual(['ca']);
    expect((ssl as { ca: string }).ca).toContain('BEGIN CERTIFICATE');
    expect(poolConfig({ url: 'postgres://u@h/d?sslmode=verify-full' }).ssl).toEqual({});
  });

  it('names a CA file that cannot be read', () => {
    expect(() =>
      poolConfig({ url: 'postgres://u@h/d?sslmode=verify-full', caFile: '/no/such/ca.pem' }),
    ).toThrow('the CA file /no/such/ca.pem cannot be read (ENOENT)');
  });

  it('sizes the pool and times out connecting as asked', () => {
    const config = poolConfig({
      url: 'postgres://u@h/d?connect_timeout=3&application_name=desk-2',
      poolSize: 4,
    });
    expect(config).toMatchObject({ max: 4, connectionTimeoutMillis: 3000, application_name: 'desk-2' });
  });
});
