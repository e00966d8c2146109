/**
 * The guard in front of the local servers (the Slack console and the local Identity Center). They are for the
 * person at this machine, and a web page that person happens to visit must not be able to drive them:
 *
 * - DNS rebinding: a page at evil.example whose name is made to resolve to 127.0.0.1 reaches a local server as
 *   the same origin, but its requests still say `Host: evil.example`. Only loopback names (`localhost`,
 *   `127.0.0.1`, `[::1]`, with any port) and the names in ALLOWED_HOSTS are answered.
 * - Cross-site requests: a page elsewhere may send a "simple" request (GET or POST with a `text/plain`, form or
 *   multipart body and no custom header) without the browser asking first. A request whose `Origin` is not an
 *   allowed host is refused; and a request that changes something must declare `Content-Type: application/json`
 *   (or carry a header such as `X-Amz-Target` or a SigV4 `Authorization`), which a browser sends cross-site only
 *   after a preflight that these servers never approve (they answer no CORS headers).
 */
import type { IncomingHttpHeaders } from 'node:http';

/** What the guard answers instead of the server, with a message naming the problem. */
export interface Refusal {
  status: number;
  error: string;
}

export const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'] as const;

const HOST_NAME = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;
const IPV6_LITERAL = /^\[[0-9a-f:.]+\]$/;

/**
 * ALLOWED_HOSTS: host names separated by commas (`access-desk.lan, 192.168.1.20`), answered besides the loopback
 * ones, any port. Returns the names, or the problem naming the variable.
 */
export function parseAllowedHosts(
  raw: string | undefined,
): { ok: true; hosts: string[] } | { ok: false; problem: string } {
  if (raw === undefined || raw.trim() === '') return { ok: true, hosts: [] };
  const hosts: string[] = [];
  for (const entry of raw.split(',')) {
    const name = entry.trim().toLowerCase();
    if (name === '') continue;
    if (!HOST_NAME.test(name) && !IPV6_LITERAL.test(name)) {
      return {
        ok: false,
        problem: `ALLOWED_HOSTS: "${entry.trim()}" is not a host name (give names like access-desk.lan or 192.168.1.20, separated by commas, without a port or a scheme)`,
      };
    }
    hosts.push(name);
  }
  return { ok: true, hosts };
}

/** The name in a Host header (`localhost:3000` → `localhost`, `[::1]:4566` → `[::1]`), lower-cased; undefined if malformed. */
export function hostName(header: string): string | undefined {
  const value = header.trim().toLowerCase();
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(value);
  return match?.[1];
}

function allowed(name: string | undefined, allowedHosts: readonly string[]): boolean {
  return (
    name !== undefined &&
    ((LOOPBACK_HOSTS as readonly string[]).includes(name) || allowedHosts.includes(name))
  );
}

const known = (allowedHosts: readonly string[]): string => [...LOOPBACK_HOSTS, ...allowedHosts].join(', ');

/** Host and Origin: answered only when both name this machine (or an allowed host). */
export function refuseForeignHost(
  headers: IncomingHttpHeaders,
  allowedHosts: readonly string[],
  server: string,
): Refusal | undefined {
  const host = headers.host;
  if (host === undefined || !allowed(hostName(host), allowedHosts)) {
    return {
      status: 403,
      error: `${server} answers only requests for ${known(allowedHosts)}, not for Host "${host ?? ''}" (to open it by another name, list that name in ALLOWED_HOSTS)`,
    };
  }
  const origin = headers.origin;
  if (origin !== undefined) {
    let name: string | undefined;
    try {
      const url = new URL(origin);
      name = url.protocol === 'http:' || url.protocol === 'https:' ? hostName(url.host) : undefined;
    } catch {
      name = undefined;
    }
    if (!allowed(name, allowedHosts)) {
      return {
        status: 403,
        error: `${server} refuses requests from a web page at ${origin}: only its own pages (${known(allowedHosts)}) may call it`,
      };
    }
  }
  return undefined;
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function changesState(method: string | undefined): boolean {
  return STATE_CHANGING.has((method ?? 'GET').toUpperCase());
}

/** The media type of a Content-Type header, without its parameters, lower-cased. */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/**
 * A request that changes something must declare one of `types` (by default JSON): a browser cannot send any of
 * them cross-site without a preflight. 415 otherwise, naming what was sent and what is needed.
 */
export function refuseUndeclaredBody(
  method: string | undefined,
  path: string,
  contentType: string | undefined,
  types: readonly string[] = ['application/json'],
): Refusal | undefined {
  if (!changesState(method)) return undefined;
  const sent = mediaType(contentType);
  if (types.includes(sent)) return undefined;
  return {
    status: 415,
    error: `a ${(method ?? '').toUpperCase()} to ${path} must have Content-Type: ${types.join(' or ')}, not ${sent === '' ? 'none' : `"${sent}"`} (a request that changes something must say it is JSON, which a web page elsewhere cannot send without asking first)`,
  };
}
