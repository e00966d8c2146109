/**
 * On-call auto-approval in the config file: the `onCall:` block (where each named schedule is read) and a rule's
 * `autoApprove: { onCall: <schedule> }`. Kept apart from schema.ts so that the whole feature reads in one place:
 * the form of the keys, the names that must refer to a schedule, and the settings that could never take effect.
 */
import { z } from 'zod';
import { knownList } from './closest.js';
import { slackUsergroupId } from './fields.js';
import { problem, type Problem } from './problem.js';
import type { OnCallConfig, SecretsConfig } from './types.js';

export const DEFAULT_PAGERDUTY_URL = 'https://api.pagerduty.com';

/** Kinds whose requests the access service checks on-call for: a person asking for access for themself. */
export const ON_CALL_KINDS = ['access', 'extend'] as const;

const scheduleName = z
  .string()
  .regex(
    /^[A-Za-z][\w-]*$/,
    'is not a usable schedule name: start with a letter, then letters, digits, - or _',
  );

/** PagerDuty's ids are short upper-case strings (PI7DH85); the schedule's page in PagerDuty shows it in its URL. */
const pagerdutyScheduleId = z
  .string()
  .regex(
    /^[A-Z0-9]{2,20}$/,
    'is not a PagerDuty schedule id (like PI7DH85: the last part of the schedule page URL in PagerDuty)',
  );

const schedule = z.union(
  [z.strictObject({ pagerduty: pagerdutyScheduleId }), z.strictObject({ usergroup: slackUsergroupId })],
  {
    error:
      'must be `{ pagerduty: <schedule id> }` (a PagerDuty schedule) or `{ usergroup: S… }` (a Slack user group an on-call tool keeps current)',
  },
);

/** `onCall:` at the top of the file. */
export const onCallBlock = z.strictObject({
  /** Name (as rules say it) → where it is read. */
  schedules: z
    .record(scheduleName, schedule)
    .refine((s) => Object.keys(s).length > 0, 'name at least one schedule'),
  pagerduty: z
    .strictObject({
      /** PagerDuty's REST API; another URL only for a stand-in (the sandbox's) or a proxy. */
      url: z
        .string()
        .regex(/^https?:\/\/[^\s/]+/, 'must be an http(s):// URL, like https://api.pagerduty.com')
        .default(DEFAULT_PAGERDUTY_URL),
    })
    .prefault({}),
});

/** A rule's `autoApprove`: `true`, `false`, or `{ onCall: <schedule name> }`. */
export const autoApproveSetting = z.union(
  [z.boolean(), z.strictObject({ onCall: z.string().trim().min(1) })],
  {
    error: 'must be true, false, or `{ onCall: <schedule> }` naming a schedule under onCall.schedules',
  },
);

type OnCallBlock = z.output<typeof onCallBlock>;
type AutoApprove = z.output<typeof autoApproveSetting>;
interface FileWithOnCall {
  onCall?: OnCallBlock | undefined;
  rules: readonly {
    autoApprove?: AutoApprove | undefined;
    match: { kinds?: readonly string[] | undefined };
  }[];
}

/**
 * Every `autoApprove: { onCall }` must name a schedule under `onCall.schedules` (the message lists those known),
 * and must be able to apply: on-call is checked only for access requests and extensions, which a person asks for
 * themself; a rule that matches only admin work would never approve anything, and is refused rather than ignored.
 */
export function checkOnCallReferences(file: FileWithOnCall): Problem[] {
  const known = Object.keys(file.onCall?.schedules ?? {});
  return file.rules.flatMap((rule, i) => {
    const setting = rule.autoApprove;
    if (typeof setting !== 'object') return [];
    const path = ['rules', i, 'autoApprove', 'onCall'];
    if (!known.includes(setting.onCall)) {
      const hint =
        known.length === 0
          ? 'no schedules are configured: add them under onCall.schedules'
          : knownList(setting.onCall, known);
      return [problem(path, `unknown on-call schedule "${setting.onCall}" (${hint})`)];
    }
    const kinds = rule.match.kinds;
    if (kinds !== undefined && !kinds.some((k) => (ON_CALL_KINDS as readonly string[]).includes(k))) {
      return [
        problem(
          path,
          `never applies: on-call is checked only for requests of kind ${ON_CALL_KINDS.join(' or ')}, and this rule matches ${kinds.join(', ')} only`,
        ),
      ];
    }
    return [];
  });
}

export function resolveOnCall(block: OnCallBlock): OnCallConfig {
  return { schedules: block.schedules, pagerduty: { url: block.pagerduty.url.replace(/\/+$/, '') } };
}

/**
 * What the config check says about on-call beyond errors: a PagerDuty schedule without PAGERDUTY_TOKEN cannot be
 * read, so every request it would approve goes to the approvers instead (and says so). Not an error, so that the
 * example file runs as it is in the sandbox and in tests; said at start-up.
 */
export function onCallWarnings(onCall: OnCallConfig | undefined, secrets: SecretsConfig): string[] {
  if (onCall === undefined || secrets.pagerdutyToken !== undefined) return [];
  const pagerduty = Object.entries(onCall.schedules).filter(([, s]) => 'pagerduty' in s);
  if (pagerduty.length === 0) return [];
  const names = pagerduty.map(([name]) => `onCall.schedules.${name}`).join(', ');
  return [
    `PAGERDUTY_TOKEN is not set, so ${names} cannot be read: requests these schedules would approve for the person on call go to the approvers instead (set PAGERDUTY_TOKEN to a read-only PagerDuty REST API key)`,
  ];
}
