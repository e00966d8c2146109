import net from 'node:net';

/** Hosts a test may connect to: the loopback range and the names that resolve to it. */
export function isLoopbackHost(host: string | undefined): boolean {
  if (host === undefined || host === '') return true; // Node defaults to localhost
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  if (h.startsWith('::ffff:')) return isLoopbackHost(h.slice('::ffff:'.length));
  return net.isIPv4(h) && h.startsWith('127.');
}

export class NonLoopbackConnectionError extends Error {
  readonly code = 'ERR_TEST_NETWORK_GUARD';
  constructor(target: string) {
    super(`test setup refuses a network connection to ${target}: tests may only reach loopback`);
  }
}

type ConnectArgs = Parameters<net.Socket['connect']>;

function targetOf(args: unknown[]): { host?: string; path?: string; port?: unknown } {
  const [first, second] = args;
  if (Array.isArray(first)) return targetOf(first as unknown[]);
  if (typeof first === 'object' && first !== null) {
    const o = first as { host?: string; path?: string; port?: unknown };
    return { host: o.host, path: o.path, port: o.port };
  }
  if (typeof first === 'string' && Number.isNaN(Number(first))) return { path: first };
  return { port: first, host: typeof second === 'string' ? second : undefined };
}

let installed = false;

/** Makes every TCP connection to a non-loopback address fail before any packet leaves the machine. */
export function installNetworkGuard(): void {
  if (installed) return;
  installed = true;
  const original = Reflect.get(net.Socket.prototype, 'connect') as (
    this: net.Socket,
    ...args: ConnectArgs
  ) => net.Socket;
  net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
    const target = targetOf(args);
    if (target.path === undefined && !isLoopbackHost(target.host)) {
      throw new NonLoopbackConnectionError(`${target.host}:${String(target.port)}`);
    }
    return original.apply(this, args as ConnectArgs);
  };
}
