/**
 * What each part of the file must agree with: values that repeat, settings that could never take effect,
 * and limits that contradict each other. How matching rules combine is the rules engine's business, not
 * this file's: each rule is checked on its own.
 */
import { formatDuration } from '../domain/duration.js';
import { problem, type Problem } from './problem.js';
import type { ConfigFile } from './schema.js';

const RULE_EFFECTS = [
  'approvers',
  'approvals',
  'maxDuration',
  'defaultDuration',
  'requireReason',
  'autoApprove',
  'channel',
  'breakGlass',
  'requireTicket',
  'remind',
] as const;

export function checkConsistency(file: ConfigFile): Problem[] {
  return [
    ...repeatedAccountIds(file),
    ...foreignPermissionSetArns(file),
    ...repeatedGroups(file),
    ...emptyRoles(file),
    ...untrustedPeople(file),
    ...sharedPeople(file),
    ...emptyApproverGroups(file),
    ...ruleProblems(file),
    ...timingProblems(file),
  ];
}

function repeatedAccountIds(file: ConfigFile): Problem[] {
  const seen = new Map<string, string>();
  return Object.entries(file.accounts).flatMap(([alias, id]) => {
    const first = seen.get(id);
    seen.set(id, first ?? alias);
    return first === undefined ? [] : [problem(['accounts', alias], `"${id}" is also accounts.${first}`)];
  });
}

/** An ARN from another instance (a copied file, a second organisation) would fail at the first grant. */
function foreignPermissionSetArns(file: ConfigFile): Problem[] {
  const instance = instanceIdOf(file.identityCenter.instanceArn);
  return Object.entries(file.permissionSets).flatMap(([name, set]) => {
    const arn = set?.arn;
    if (arn === undefined) return [];
    const owner = /:permissionSet\/([^/]+)\//.exec(arn)?.[1];
    return owner === instance
      ? []
      : [
          problem(
            ['permissionSets', name, 'arn'],
            `belongs to instance ${owner ?? '?'}, not to identityCenter.instanceArn's ${instance}`,
          ),
        ];
  });
}

const instanceIdOf = (instanceArn: string): string => instanceArn.slice(instanceArn.lastIndexOf('/') + 1);

function repeatedGroups(file: ConfigFile): Problem[] {
  return file.groups.flatMap((group, i) =>
    file.groups.indexOf(group) < i ? [problem(['groups', i], `"${group}" is listed twice`)] : [],
  );
}

function emptyRoles(file: ConfigFile): Problem[] {
  return Object.entries(file.roles).flatMap(([name, role]) =>
    role.groups.length === 0 && role.assignments.length === 0
      ? [problem(['roles', name], 'gives nothing: list groups or assignments')]
      : [],
  );
}

/** An explicit mapping to an email outside the trusted domains would hand someone else's AWS identity out. */
function untrustedPeople(file: ConfigFile): Problem[] {
  return Object.entries(file.people).flatMap(([slackId, person]) => {
    const domain = person.includes('@') ? person.slice(person.lastIndexOf('@') + 1).toLowerCase() : undefined;
    if (domain === undefined || file.trustedEmailDomains.includes(domain)) return [];
    return [
      problem(
        ['people', slackId],
        `"${person}" is not in a trusted email domain (trustedEmailDomains: ${file.trustedEmailDomains.join(', ')})`,
      ),
    ];
  });
}

/**
 * Two Slack accounts mapped to one Identity Center user would be one person with two votes: one could approve
 * the other's request, or fill a two-person quorum alone. Emails compare without case, as Identity Center does.
 */
function sharedPeople(file: ConfigFile): Problem[] {
  const seen = new Map<string, string>();
  return Object.entries(file.people).flatMap(([slackId, person]) => {
    const key = person.trim().toLowerCase();
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, slackId);
      return [];
    }
    return [
      problem(
        ['people', slackId],
        `"${person}" is also people.${first}: two Slack accounts cannot be one person (each would count as an approver of the other's requests)`,
      ),
    ];
  });
}

function emptyApproverGroups(file: ConfigFile): Problem[] {
  return Object.entries(file.approvers).flatMap(([name, group]) => {
    const users = Array.isArray(group) ? group : group.users;
    const usergroup = Array.isArray(group) ? undefined : group.usergroup;
    return users.length === 0 && usergroup === undefined
      ? [problem(['approvers', name], 'names no one: list Slack user ids, or give a usergroup')]
      : [];
  });
}

function ruleProblems(file: ConfigFile): Problem[] {
  return file.rules.flatMap((rule, i) => {
    if (!RULE_EFFECTS.some((key) => rule[key] !== undefined)) {
      return [problem(['rules', i], `does nothing: give it one of ${RULE_EFFECTS.join(', ')}`)];
    }
    const max = rule.maxDuration;
    const fallback = rule.defaultDuration;
    if (max === undefined || max.kind === 'permanent' || fallback === undefined) return [];
    const longer = fallback.kind === 'permanent' || fallback.ms > max.ms;
    return longer
      ? [
          problem(
            ['rules', i, 'defaultDuration'],
            `${formatDuration(fallback)} is longer than this rule's maxDuration (${formatDuration(max)})`,
          ),
        ]
      : [];
  });
}

/** The scheduler sends reminders; if it wakes less often than the reminder's lead, a reminder can come after the end. */
function timingProblems(file: ConfigFile): Problem[] {
  const { schedulerInterval, reminderBefore } = file.timing;
  return schedulerInterval < reminderBefore
    ? []
    : [
        problem(
          ['timing', 'schedulerInterval'],
          `must be shorter than timing.reminderBefore (${formatDuration(reminderBefore)}), or reminders could come after access ends`,
        ),
      ];
}
