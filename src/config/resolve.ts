/**
 * The checked file turned into the configuration the product uses: durations in milliseconds, approver
 * groups in one shape, each rule's position kept for messages, defaults that depend on other keys filled.
 */
import { durationMs } from '../domain/duration.js';
import { resolveOnCall } from './on-call.js';
import type { ConfigFile } from './schema.js';
import type { AccessDeskConfig, ApproverGroupConfig, RuleConfig } from './types.js';

export function resolveConfig(file: ConfigFile): AccessDeskConfig {
  const { identityCenter, email } = file;
  return {
    identityCenter: {
      instanceArn: identityCenter.instanceArn,
      identityStoreId: identityCenter.identityStoreId,
      region: identityCenter.region,
      startUrl: identityCenter.startUrl,
      sessionName: identityCenter.sessionName ?? kebabCase(email.organisation),
    },
    accounts: file.accounts,
    accountNames: file.accountNames,
    permissionSets: Object.fromEntries(
      Object.entries(file.permissionSets).map(([name, set]) => [
        name,
        {
          ...(set?.description !== undefined && { description: set.description }),
          ...(set?.arn !== undefined && { arn: set.arn }),
        },
      ]),
    ),
    groups: file.groups,
    roles: Object.fromEntries(
      Object.entries(file.roles).map(([name, role]) => [
        name,
        {
          ...(role.description !== undefined && { description: role.description }),
          groups: role.groups,
          assignments: role.assignments,
        },
      ]),
    ),
    people: file.people,
    approvers: Object.fromEntries(
      Object.entries(file.approvers).map(([name, group]) => [name, approverGroup(group)]),
    ),
    admins: file.admins,
    rules: file.rules.map(resolveRule),
    channels: {
      approvals: file.channels.approvals,
      ...(file.channels.audit !== undefined && { audit: file.channels.audit }),
      ...(file.channels.security !== undefined && { security: file.channels.security }),
    },
    trustedEmailDomains: file.trustedEmailDomains,
    email: {
      from: email.from,
      cc: email.cc,
      ...(email.region !== undefined && { region: email.region }),
      organisation: email.organisation,
      oneTimePasswords: email.oneTimePasswords,
    },
    timing: {
      pendingLifetimeMs: file.timing.pendingLifetime,
      reminderBeforeMs: file.timing.reminderBefore,
      schedulerIntervalMs: file.timing.schedulerInterval,
      jobLeaseMs: file.timing.jobLease,
      ...(file.timing.scheduleAhead !== undefined && { scheduleAheadMs: file.timing.scheduleAhead }),
    },
    sessions: { endOnRevoke: file.sessions.endOnRevoke, leaveAlone: file.sessions.leaveAlone },
    legacyIam: { path: file.legacyIam.path },
    audit: { inactiveAfterMs: file.audit.inactiveAfter },
    database: {
      path: file.database.path ?? 'access-desk.sqlite',
      ...(file.database.url !== undefined && { url: file.database.url }),
      ...(file.database.caFile !== undefined && { caFile: file.database.caFile }),
      poolSize: file.database.poolSize,
    },
    ...(file.onCall !== undefined && { onCall: resolveOnCall(file.onCall) }),
  };
}

function approverGroup(group: ConfigFile['approvers'][string]): ApproverGroupConfig {
  if (Array.isArray(group)) return { users: group };
  return {
    users: group.users,
    ...(group.usergroup !== undefined && { usergroup: group.usergroup }),
    ...(group.notify !== undefined && { notify: group.notify }),
  };
}

// Keys are left out rather than set to undefined: an absent maxDurationMs means "no limit from this rule",
// while null means "permanent is allowed", and `'maxDurationMs' in rule` must tell them apart.
function resolveRule(rule: ConfigFile['rules'][number], index: number): RuleConfig {
  const { match } = rule;
  return {
    index,
    match: {
      ...(match.kinds !== undefined && { kinds: match.kinds }),
      ...(match.permissionSets !== undefined && { permissionSets: match.permissionSets }),
      ...(match.accounts !== undefined && { accounts: match.accounts }),
      ...(match.groups !== undefined && { groups: match.groups }),
    },
    ...(rule.approvers !== undefined && { approvers: rule.approvers }),
    ...(rule.approvals !== undefined && { approvals: rule.approvals }),
    ...(rule.maxDuration !== undefined && { maxDurationMs: durationMs(rule.maxDuration) }),
    ...(rule.defaultDuration !== undefined && { defaultDurationMs: durationMs(rule.defaultDuration) }),
    ...(rule.requireReason !== undefined && { requireReason: rule.requireReason }),
    ...(rule.autoApprove !== undefined && { autoApprove: rule.autoApprove }),
    ...(rule.channel !== undefined && { channel: rule.channel }),
    ...(rule.requireTicket !== undefined && { requireTicket: rule.requireTicket }),
    ...(rule.remind !== undefined && { remind: resolveRemind(rule.remind) }),
    ...(rule.breakGlass !== undefined && {
      breakGlass: {
        who: rule.breakGlass.who,
        maxDurationMs: rule.breakGlass.maxDuration,
        ...(rule.breakGlass.perDay !== undefined && { perDay: rule.breakGlass.perDay }),
      },
    }),
  };
}

function resolveRemind(remind: NonNullable<ConfigFile['rules'][number]['remind']>): RuleConfig['remind'] {
  return {
    afterMs: remind.after,
    ...(remind.escalateAfter !== undefined && { escalateAfterMs: remind.escalateAfter }),
    ...(remind.escalateTo !== undefined && { escalateTo: remind.escalateTo }),
  };
}

/** "Société Générale UK" → "societe-generale-uk": a name `aws configure sso` accepts as a section name. */
export function kebabCase(name: string): string {
  const kebab = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return kebab === '' ? 'aws-sso' : kebab;
}
