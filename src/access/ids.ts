import { randomBytes, randomUUID } from 'node:crypto';

// Crockford's alphabet: no I, L, O or U, so an id read aloud or typed from a card is not misread.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** `R-7K2Q9D3F`: short enough to say in a channel, random enough never to collide in one ledger. */
export function newRequestId(): string {
  return `R-${Array.from(randomBytes(8), (b) => ALPHABET[b % 32]).join('')}`;
}

export const newGrantId = (): string => `G-${randomUUID()}`;
