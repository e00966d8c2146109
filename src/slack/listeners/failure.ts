/**
 * What a listener does with an error nobody expected: log it once, structured, with a reference id, and tell
 * the person it happened with that same id. Expected refusals never come here: they are Outcome values.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from '../../log.js';
import { problemMessage } from '../blocks/replies.js';
import type { SlackMessage } from '../blocks/kit.js';

export const newReference = (): string => `E-${randomBytes(4).toString('hex').toUpperCase()}`;

export interface FailureContext {
  log: Logger;
  listener: string;
  userId?: string;
  requestId?: string;
  /** How to reach the person; tried once. */
  tell: (msg: SlackMessage) => Promise<unknown>;
}

export async function reportFailure(ctx: FailureContext, err: unknown): Promise<string> {
  const reference = newReference();
  ctx.log.error(
    { err, reference, listener: ctx.listener, userId: ctx.userId, requestId: ctx.requestId },
    'Slack listener failed',
  );
  try {
    await ctx.tell(problemMessage(reference));
  } catch (tellErr) {
    ctx.log.error(
      { err: tellErr, reference, listener: ctx.listener },
      'could not tell the user about a failure',
    );
  }
  return reference;
}
