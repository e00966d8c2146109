/**
 * `/access welcome <person>` as a click (src/access/clicks.ts runs it): recorded before the command is acked, so
 * that a process that dies after acknowledging it leaves it to another replica, or to itself after a restart,
 * which sends the email and answers where it was typed. What it asks for is kept in the click's job
 * (`payload.welcome`) and read back here with a check: it was written by this code, so anything else is a bug.
 */
import type { Outcome } from './api.js';
import type { PeopleApi, WelcomeResent } from './people-api.js';

export interface WelcomeClick {
  /** An email, a user name or a Slack user id, as typed after `/access welcome`. */
  who: string;
}

export function isWelcomeClick(value: unknown): value is WelcomeClick {
  return typeof value === 'object' && value !== null && typeof (value as { who?: unknown }).who === 'string';
}

/** Runs one welcome click as `userId`; `clickId` lets a run again find the email the first run sent. */
export function runWelcomeClick(
  api: Pick<PeopleApi, 'resendWelcome'> | undefined,
  click: { id: string; userId: string; welcome?: WelcomeClick },
): Promise<Outcome<WelcomeResent>> {
  const asked = click.welcome;
  if (asked === undefined) throw new Error(`welcome click ${click.id} carries no one to send to`);
  if (api === undefined) {
    return Promise.resolve({
      ok: false,
      code: 'not_admin',
      message: 'Sending welcome emails is not available in this deployment.',
    });
  }
  return api.resendWelcome(click.userId, asked.who, click.id);
}
