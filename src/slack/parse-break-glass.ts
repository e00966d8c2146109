/**
 * `/access breakglass <PermissionSet> <account> <duration> <reason…>`: everything is required, one account at a
 * time, and never permanent. Pure: names are checked against the options the service offers, so a typo is
 * answered before anything is called; whether the rules let this person break glass is the service's business.
 */
import type { BreakGlassInput } from '../access/break-glass-api.js';
import { escapeMrkdwn, truncate } from '../domain/text.js';
import type { Parsed, ParseContext } from './parse.js';
import { checkAccount, checkPermissionSet, checkReason, takeDuration } from './parse-args.js';
import { words } from './slack-text.js';
import { USAGE } from './usage.js';

const withUsage = (message: string): string => `${message}\nUsage: \`${USAGE.breakglass.usage}\``;

export function parseBreakGlassArgs(args: string, ctx: ParseContext): Parsed<BreakGlassInput> {
  const [psWord, accountWord] = words(args);
  if (psWord === undefined || accountWord === undefined) {
    return {
      kind: 'error',
      message: withUsage('Say which permission set, which account, for how long, and why.'),
    };
  }
  const ps = checkPermissionSet(psWord, ctx.options);
  if (!ps.ok) return { kind: 'error', message: ps.message };
  if (accountWord.includes(',')) {
    return { kind: 'error', message: withUsage('Break glass on one account at a time.') };
  }
  const account = checkAccount(accountWord, ctx.options);
  if (!account.ok) return { kind: 'error', message: account.message };
  const afterAccount = args.trim().slice(psWord.length).trim().slice(accountWord.length);
  const duration = takeDuration(afterAccount);
  if (duration.kind === 'error') return { kind: 'error', message: withUsage(duration.message) };
  if (duration.kind === 'none') {
    const next = words(afterAccount)[0];
    const shown = next === undefined ? '' : ` (\`${escapeMrkdwn(truncate(next, 40))}\` is not one)`;
    return { kind: 'error', message: withUsage(`Say for how long, like \`1h\`${shown}.`) };
  }
  if (duration.value.kind === 'permanent') {
    return {
      kind: 'error',
      message: withUsage('Break-glass is never permanent: say how long you need it, like `1h`.'),
    };
  }
  const reason = checkReason(duration.rest);
  if (!reason.ok) return { kind: 'error', message: reason.message };
  if (reason.value === undefined) {
    return {
      kind: 'error',
      message: withUsage('Say why: the incident or ticket, and what is on fire. Everyone will see it.'),
    };
  }
  return {
    kind: 'complete',
    input: {
      requesterSlackId: ctx.userId,
      permissionSet: ps.value,
      account: account.value,
      duration: duration.value,
      reason: reason.value,
    },
  };
}
