import net from 'node:net';
import { describe, expect, it } from 'vitest';

describe('the test network guard', () => {
  it('refuses a connection to an address outside loopback before anything is sent', () => {
    // 192.0.2.1 is TEST-NET-1: documentation-only, and the guard throws before a socket opens.
    expect(() => net.connect({ host: '192.0.2.1', port: 443 })).toThrow(/may only reach loopback/);
  });

  it('refuses a connection by host name that is not loopback', () => {
    expect(() => net.connect(443, 'aws.amazon.com')).toThrow(/may only reach loopback/);
  });

  it('allows a connection to a server on loopback', async () => {
    const server = net.createServer((s) => s.end('hi'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    const received = await new Promise<string>((resolve, reject) => {
      const socket = net.connect({ host: 'localhost', port });
      let data = '';
      socket.on('data', (chunk: Buffer) => (data += chunk.toString()));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    server.close();
    expect(received).toBe('hi');
  });

  it('refuses fetch to the internet, and says the test setup did', async () => {
    const error = (await fetch('https://portal.sso.eu-west-1.amazonaws.com/').catch(
      (e: unknown) => e,
    )) as Error;
    expect(error).toBeInstanceOf(TypeError);
    expect(String((error.cause as Error | undefined)?.message)).toMatch(/may only reach loopback/);
  });
});
