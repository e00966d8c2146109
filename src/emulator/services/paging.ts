import { validationError } from '../errors.js';

/**
 * One page of a list, AWS-style: an opaque token that names the position and the list it belongs to,
 * so a token from one list (or a forged one) is refused with ValidationException, as AWS does.
 */
export function paginate<T>(
  items: readonly T[],
  options: { listName: string; token: unknown; limit: unknown; defaultLimit: number },
): { page: T[]; nextToken: string | undefined } {
  const limit = typeof options.limit === 'number' ? options.limit : options.defaultLimit;
  let start = 0;
  if (typeof options.token === 'string' && options.token !== '') {
    start = decodeToken(options.token, options.listName);
  }
  const page = items.slice(start, start + limit);
  const next = start + limit;
  return { page, nextToken: next < items.length ? encodeToken(options.listName, next) : undefined };
}

function encodeToken(listName: string, offset: number): string {
  return Buffer.from(JSON.stringify({ l: listName, o: offset })).toString('base64');
}

function decodeToken(token: string, listName: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as {
      l?: unknown;
      o?: unknown;
    };
    if (
      parsed.l === listName &&
      typeof parsed.o === 'number' &&
      Number.isInteger(parsed.o) &&
      parsed.o >= 0
    ) {
      return parsed.o;
    }
  } catch {
    // fall through to the refusal
  }
  throw validationError('The NextToken is invalid or has expired.');
}
