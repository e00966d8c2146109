/**
 * Who an admin means: an email (or Identity Center user name), a Slack user id, or a Slack mention as the
 * command line carries it (`<@U123|kim>`). Found in Identity Center, never guessed.
 */
import type { DirectoryUser } from '../../domain/identity.js';
import { escapeMrkdwn } from '../../domain/text.js';
import type { Outcome } from '../api.js';
import type { IdentityResolver } from '../identity.js';
import type { Directory } from '../ports.js';
import { ok, refuse } from './details.js';

export interface Person {
  user: DirectoryUser;
  /** The email access-desk knows them by: their primary email, else their user name. */
  email: string;
  slackUserId?: string;
}

const SLACK_ID = /^[UW][A-Z0-9]{2,}$/;

/** The Slack user id that `raw` (trimmed) names, as an id or a mention; undefined when it names none. */
export function slackIdIn(raw: string): string | undefined {
  const mentioned = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(raw)?.[1];
  return mentioned ?? (SLACK_ID.test(raw) ? raw : undefined);
}

/**
 * Every Slack account known to be the person with this email: the one given, then those `people:` maps to the
 * email (any case). Others are caught at the click, by the Identity Center user they resolve to.
 */
export function slackIdsOf(
  people: Readonly<Record<string, string>>,
  email: string,
  slackUserId: string | undefined,
): string[] {
  const mapped = Object.entries(people)
    .filter(([, v]) => v.toLowerCase() === email.toLowerCase())
    .map(([id]) => id);
  return [...new Set([...(slackUserId !== undefined ? [slackUserId] : []), ...mapped])];
}

export async function findPerson(
  directory: Directory,
  identities: IdentityResolver,
  who: string,
): Promise<Outcome<Person>> {
  const raw = who.trim();
  const slackId = slackIdIn(raw);
  if (slackId !== undefined) {
    // Someone else's Slack profile: a refusal names them by mention, never by their profile email.
    const identity = await identities.resolveOther(slackId);
    if (!identity.ok) return identity;
    const { user } = identity.value;
    return ok({ user, email: user.email ?? identity.value.email, slackUserId: slackId });
  }
  if (raw === '') return refuse('invalid_input', 'Name the person: their work email or their Slack @name.');
  const byEmail = await directory.findUserByEmail(raw);
  if (!byEmail.ok)
    return refuse('aws_unavailable', `I could not look up ${escapeMrkdwn(raw)}: ${byEmail.error.message}`);
  const user = byEmail.value ?? (await userByName(directory, raw));
  if (user === undefined) {
    return refuse('not_found', `No Identity Center user has the email or user name ${escapeMrkdwn(raw)}.`);
  }
  return ok({ user, email: user.email ?? user.userName });
}

async function userByName(directory: Directory, name: string): Promise<DirectoryUser | undefined> {
  const found = await directory.findUserByUserName(name);
  return found.ok ? found.value : undefined;
}
