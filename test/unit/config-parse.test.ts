import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDocument, type Document } from 'yaml';
import { parseConfig } from '../../src/config/parse.js';
import type { AccessDeskConfig } from '../../src/config/types.js';
import { HOUR, MINUTE } from '../../src/domain/duration.js';
import { exampleSeed } from '../../src/emulator/seed.js';

const EXAMPLE = readFileSync(new URL('../../access-desk.example.yml', import.meta.url), 'utf8');
const NO_ENV = {};

/** The example file with one change, written back as YAML. */
function exampleWith(change: (doc: Document) => void): string {
  const doc = parseDocument(EXAMPLE);
  change(doc);
  return doc.toString();
}

function configOf(text: string): AccessDeskConfig {
  const result = parseConfig(text, NO_ENV);
  if (!result.ok) throw new Error(`expected the config to parse, got:\n${result.errors.join('\n')}`);
  return result.config;
}

function errorsOf(text: string, env: Record<string, string | undefined> = NO_ENV): string[] {
  const result = parseConfig(text, env);
  if (result.ok) throw new Error('expected the config to be refused');
  return result.errors;
}

describe('the example config', () => {
  it('parses without a single error', () => {
    const result = parseConfig(EXAMPLE, NO_ENV);
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it('resolves durations to milliseconds, with null for permanent and nothing where a rule sets none', () => {
    const config = configOf(EXAMPLE);
    const [everyRequest, access, , admin] = config.rules;
    expect(access?.maxDurationMs).toBe(12 * HOUR);
    expect(access?.defaultDurationMs).toBe(4 * HOUR);
    expect(admin?.maxDurationMs).toBe(4 * HOUR);
    expect(everyRequest).not.toHaveProperty('maxDurationMs');
    expect(config.timing).toEqual({
      pendingLifetimeMs: 24 * HOUR,
      reminderBeforeMs: 15 * MINUTE,
      schedulerIntervalMs: 30_000,
      jobLeaseMs: 20_000,
      scheduleAheadMs: 30 * 24 * HOUR,
    });

    const permanent = configOf(exampleWith((doc) => doc.setIn(['rules', 1, 'maxDuration'], 'permanent')));
    expect(permanent.rules[1]?.maxDurationMs).toBeNull();
  });

  it('numbers each rule by its position in the file', () => {
    const config = configOf(EXAMPLE);
    expect(config.rules.map((r) => r.index)).toEqual(config.rules.map((_, position) => position));
    expect(config.rules.length).toBeGreaterThan(8);
    expect(config.rules[7]).toEqual({
      index: 7,
      match: { permissionSets: ['ReadOnlyAccess'], accounts: ['dev'] },
      autoApprove: true,
    });
  });

  it('maps the example Slack people to a requester, leads, an admin and the rest of the seed', () => {
    const config = configOf(EXAMPLE);
    expect(config.people).toEqual({
      U0000SAM01: 'sam.dev@example.com',
      U0000SARA1: 'sara.senior@example.com',
      U0000JAY01: 'jay.junior@example.com',
      U0000LEAD1: 'lena.lead@example.com',
      U0000LEAD2: 'leo.lead@example.com',
      U0000ADMIN: 'ada.admin@example.com',
      U0000SEC01: 'sofia.security@example.com',
      U0000OMAR1: 'omar.oncall@example.com',
      U0000FIN01: 'fiona.finance@example.com',
      U0000KIM01: 'kim.leaver@example.com',
    });
    expect(config.approvers.leads).toEqual({ users: ['U0000LEAD1', 'U0000LEAD2'] });
    expect(config.approvers.security).toEqual({ users: ['U0000SEC01'] });
    expect(config.admins).toEqual(['U0000ADMIN']);
  });

  it("names only accounts, permission sets, groups, people and a sender that the emulator's seed has", () => {
    const config = configOf(EXAMPLE);
    const seed = exampleSeed();
    expect(config.identityCenter.instanceArn).toBe(seed.instance.arn);
    expect(config.identityCenter.identityStoreId).toBe(seed.instance.identityStoreId);
    expect(config.accounts).toEqual(Object.fromEntries(seed.accounts.map((a) => [a.alias, a.id])));
    expect(config.permissionSets).toEqual(
      Object.fromEntries(
        seed.permissionSets.map((p) => [
          p.name,
          p.name === 'AdministratorAccess'
            ? { description: p.description, arn: p.arn }
            : { description: p.description },
        ]),
      ),
    );
    expect(config.groups).toEqual(seed.groups.map((g) => g.name));
    const seedUsers = new Set(seed.users.map((u) => u.userName));
    for (const person of Object.values(config.people)) expect(seedUsers).toContain(person);
    expect(seed.ses.verifiedIdentities).toContain(config.email.from);
  });

  it('fills defaults for what the file leaves out', () => {
    const config = configOf(
      exampleWith((doc) => {
        doc.delete('timing');
        doc.delete('database');
        doc.delete('legacyIam');
        doc.deleteIn(['email', 'cc']);
        doc.deleteIn(['email', 'oneTimePasswords']);
        doc.setIn(['email', 'organisation'], 'Société Générale UK');
      }),
    );
    expect(config.timing).toEqual({
      pendingLifetimeMs: 24 * HOUR,
      reminderBeforeMs: 15 * MINUTE,
      schedulerIntervalMs: 30_000,
      jobLeaseMs: 20_000,
    });
    expect(config.database).toEqual({ path: 'access-desk.sqlite', poolSize: 10 });
    // Every IAM user in reach, as before the key existed.
    expect(config.legacyIam).toEqual({ path: '/' });
    // Sessions already open end with the access unless the file says otherwise.
    expect(config.sessions).toEqual({ endOnRevoke: true, leaveAlone: [] });
    expect(config.email.cc).toEqual([]);
    expect(config.email.oneTimePasswords).toBe(false);
    expect(config.identityCenter.sessionName).toBe('societe-generale-uk');
    expect(configOf(EXAMPLE).identityCenter.sessionName).toBe('example-ltd');
  });

  it('takes the legacy IAM path as IAM writes paths', () => {
    const path = (value: string) =>
      configOf(exampleWith((doc) => doc.setIn(['legacyIam', 'path'], value))).legacyIam.path;
    expect(path('/legacy/')).toBe('/legacy/');
    expect(path('/division_abc/subdivision_xyz/')).toBe('/division_abc/subdivision_xyz/');
    expect(path('/')).toBe('/');
  });

  it('accepts a scheduler interval in seconds, minutes or both', () => {
    const interval = (value: string) =>
      configOf(exampleWith((doc) => doc.setIn(['timing', 'schedulerInterval'], value))).timing
        .schedulerIntervalMs;
    expect(interval('5s')).toBe(5_000);
    expect(interval('1m')).toBe(60_000);
    expect(interval('1m30s')).toBe(90_000);
  });

  it('holds a job for 20 s unless told otherwise, so that work a dead process held resumes within 30 s', () => {
    const lease = (value?: string) =>
      configOf(
        exampleWith((doc) => {
          if (value !== undefined) doc.setIn(['timing', 'jobLease'], value);
        }),
      ).timing.jobLeaseMs;
    expect(lease()).toBe(20_000);
    expect(lease('5s')).toBe(5_000);
  });

  it('takes an approver group as a Slack user group with optional users', () => {
    const config = configOf(
      exampleWith((doc) => doc.setIn(['approvers', 'security'], { usergroup: 'S0000SEC01' })),
    );
    expect(config.approvers.security).toEqual({ usergroup: 'S0000SEC01', users: [] });
  });

  it('is frozen all the way down', () => {
    const config = configOf(EXAMPLE);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.rules)).toBe(true);
    expect(Object.isFrozen(config.rules[1]?.match)).toBe(true);
    expect(Object.isFrozen(config.roles.developer?.assignments[0]?.accounts)).toBe(true);
    expect(() => {
      (config.accounts as Record<string, string>).prod = '444444444444';
    }).toThrow(TypeError);
  });
});

describe('a config with mistakes', () => {
  const cases: [behaviour: string, change: (doc: Document) => void, message: string][] = [
    [
      'a legacy IAM path without its slashes is refused, saying what a path looks like',
      (doc) => doc.setIn(['legacyIam', 'path'], 'legacy'),
      'legacyIam.path: "legacy" is not an IAM path: it starts and ends with / (like /legacy/), with no * or spaces',
    ],
    [
      'a legacy IAM path with a wildcard is refused: it would widen the IAM policy',
      (doc) => doc.setIn(['legacyIam', 'path'], '/legacy*/'),
      'legacyIam.path: "/legacy*/" is not an IAM path: it starts and ends with / (like /legacy/), with no * or spaces',
    ],
    [
      'an unknown approver group in a rule is named with the known ones',
      (doc) => doc.setIn(['rules', 0, 'approvers'], ['leeds']),
      'rules[0].approvers[0]: unknown approver group "leeds" (known: leads, security, finance, admins, oncall)',
    ],
    [
      'an account id that is not 12 digits is refused',
      (doc) => doc.setIn(['accounts', 'prod'], '3333'),
      'accounts.prod: "3333" is not a 12-digit AWS account id',
    ],
    [
      'an unquoted account id that lost its leading zero says to quote it',
      (doc) => doc.setIn(['accounts', 'prod'], 12345678901),
      'accounts.prod: "12345678901" is not a 12-digit AWS account id (if it starts with 0, put it in quotes: YAML drops the leading zeros of a bare number)',
    ],
    [
      'the same account id under two aliases is refused',
      (doc) => doc.setIn(['accounts', 'production'], '333333333333'),
      'accounts.production: "333333333333" is also accounts.prod',
    ],
    [
      'an unknown permission set in a rule is named with the known ones',
      (doc) => doc.setIn(['rules', 3, 'match', 'permissionSets'], ['SeniorDev']),
      'rules[3].match.permissionSets[0]: unknown permission set "SeniorDev" (known: JuniorDeveloper, Developer, SeniorDeveloper, InsightsDeveloper, ProductionSupport, SecurityAdmin, FinanceAdmin, ReadOnlyAccess, AdministratorAccess)',
    ],
    [
      'an unknown permission set to leave alone is named with the known ones',
      (doc) => doc.setIn(['sessions', 'leaveAlone'], ['ReadOnly']),
      'sessions.leaveAlone[0]: unknown permission set "ReadOnly" (known: JuniorDeveloper, Developer, SeniorDeveloper, InsightsDeveloper, ProductionSupport, SecurityAdmin, FinanceAdmin, ReadOnlyAccess, AdministratorAccess)',
    ],
    [
      'ending sessions is switched with a boolean, not a word',
      (doc) => doc.setIn(['sessions', 'endOnRevoke'], 'no'),
      'sessions.endOnRevoke: must be true or false, not the text "no"',
    ],
    [
      'an unknown account in a role is named with the known ones',
      (doc) => doc.setIn(['roles', 'developer', 'assignments', 0, 'accounts'], ['dev', 'qa']),
      'roles.developer.assignments[0].accounts[1]: unknown account "qa" (known: dev, staging, prod, management)',
    ],
    [
      'an account named by its id instead of its alias points to the alias',
      (doc) => doc.setIn(['rules', 2, 'match', 'accounts'], ['333333333333']),
      'rules[2].match.accounts[0]: unknown account "333333333333" (use its alias: prod)',
    ],
    [
      'an unknown group in a role is named with the known ones',
      (doc) => doc.setIn(['roles', 'developer', 'groups'], ['Readonly']),
      'roles.developer.groups[0]: unknown group "Readonly" (known: AdministratorAccess, ReadOnly, Billing)',
    ],
    [
      'an approver that is not a Slack user id is refused',
      (doc) => doc.setIn(['approvers', 'leads'], ['U0000LEAD1', 'lena']),
      'approvers.leads[1]: "lena" is not a Slack user id (U… or W…)',
    ],
    [
      'an approver group with no one in it is refused',
      (doc) => doc.setIn(['approvers', 'security'], []),
      'approvers.security: names no one: list Slack user ids, or give a usergroup',
    ],
    [
      'an admin that is not a Slack user id is refused',
      (doc) => doc.setIn(['admins'], ['ada']),
      'admins[0]: "ada" is not a Slack user id (U… or W…)',
    ],
    [
      'a person keyed by something other than a Slack user id is refused',
      (doc) => doc.setIn(['people', 'sam'], 'sam.dev@example.com'),
      'people.sam: "sam" is not a Slack user id (U… or W…)',
    ],
    [
      'a person mapped to an email outside the trusted domains is refused',
      (doc) => doc.setIn(['people', 'U0000SAM01'], 'sam@gmail.com'),
      'people.U0000SAM01: "sam@gmail.com" is not in a trusted email domain (trustedEmailDomains: example.com)',
    ],
    [
      'two Slack accounts mapped to one person (emails differing only in case) are refused, naming both keys',
      (doc) => doc.setIn(['people', 'U0000SAM02'], 'Sam.Dev@Example.com'),
      'people.U0000SAM02: "Sam.Dev@Example.com" is also people.U0000SAM01: two Slack accounts cannot be one person (each would count as an approver of the other\'s requests)',
    ],
    [
      'a trusted domain written with an @ is refused',
      (doc) => doc.setIn(['trustedEmailDomains'], ['@example.com']),
      'trustedEmailDomains[0]: "@example.com" is not a domain name (write it like example.com)',
    ],
    [
      'a sender that is not an email address is refused',
      (doc) => doc.setIn(['email', 'from'], 'aws-access'),
      'email.from: must be an email address',
    ],
    [
      'a channel given by name is refused',
      (doc) => doc.setIn(['channels', 'approvals'], '#access-approvals'),
      `channels.approvals: "#access-approvals" is not a Slack channel id (C… or G…, shown in the channel's details)`,
    ],
    [
      'a missing approvals channel is required',
      (doc) => doc.deleteIn(['channels', 'approvals']),
      'channels.approvals: is required',
    ],
    [
      'zero approvals are refused',
      (doc) => doc.setIn(['rules', 3, 'approvals'], 0),
      'rules[3].approvals: must be a whole number, at least 1',
    ],
    [
      'a fractional number of approvals is refused',
      (doc) => doc.setIn(['rules', 3, 'approvals'], 1.5),
      'rules[3].approvals: must be a whole number, at least 1',
    ],
    [
      'a duration in words is refused with the accepted forms',
      (doc) => doc.setIn(['rules', 1, 'maxDuration'], '12 hours'),
      'rules[1].maxDuration: "12 hours" is not a duration: use minutes, hours or days like `30m`, `4h`, `2d`, or `permanent`',
    ],
    [
      'a default duration longer than the same rule allows is refused',
      (doc) => doc.setIn(['rules', 1, 'defaultDuration'], '1d'),
      "rules[1].defaultDuration: 1d is longer than this rule's maxDuration (12h)",
    ],
    [
      'a permanent pending lifetime is refused',
      (doc) => doc.setIn(['timing', 'pendingLifetime'], 'permanent'),
      'timing.pendingLifetime: must be a length of time like `15m` or `24h`, not permanent',
    ],
    [
      'a scheduler interval that is not one is refused',
      (doc) => doc.setIn(['timing', 'schedulerInterval'], 'often'),
      'timing.schedulerInterval: "often" is not an interval: use seconds or minutes like `30s`, `1m` or `1m30s`',
    ],
    [
      'a scheduler slower than the reminder lead is refused',
      (doc) => doc.setIn(['timing', 'schedulerInterval'], '20m'),
      'timing.schedulerInterval: must be shorter than timing.reminderBefore (15m), or reminders could come after access ends',
    ],
    [
      'an unknown request kind is named with the known ones',
      (doc) => doc.setIn(['rules', 1, 'match', 'kinds'], ['acess']),
      'rules[1].match.kinds[0]: unknown request kind "acess" (known: access, extend, onboard, offboard, role_change, group_change, group_create, user_update, bulk_onboard, legacy_removal, group_access)',
    ],
    [
      'an empty match list is refused, since it would match nothing',
      (doc) => doc.setIn(['rules', 2, 'match', 'accounts'], []),
      'rules[2].match.accounts: an empty list matches nothing: leave the key out to match any',
    ],
    [
      'a rule that sets nothing is refused',
      (doc) => doc.deleteIn(['rules', 7, 'autoApprove']),
      'rules[7]: does nothing: give it one of approvers, approvals, maxDuration, defaultDuration, requireReason, autoApprove, channel, breakGlass, requireTicket, remind',
    ],
    [
      'a role that gives nothing is refused',
      (doc) => doc.setIn(['roles', 'intern'], { description: 'Intern' }),
      'roles.intern: gives nothing: list groups or assignments',
    ],
    [
      'a permission set ARN from another instance is refused',
      (doc) =>
        doc.setIn(
          ['permissionSets', 'Developer', 'arn'],
          'arn:aws:sso:::permissionSet/ssoins-0000000000000000/ps-0000000000000001',
        ),
      "permissionSets.Developer.arn: belongs to instance ssoins-0000000000000000, not to identityCenter.instanceArn's ssoins-6804c2b7a1e93f50",
    ],
    [
      'a malformed instance ARN is refused with an example',
      (doc) => doc.setIn(['identityCenter', 'instanceArn'], 'ssoins-6804c2b7a1e93f50'),
      `identityCenter.instanceArn: "ssoins-6804c2b7a1e93f50" is not an Identity Center instance ARN (like arn:aws:sso:::instance/ssoins-0123456789abcdef, in the console's Settings)`,
    ],
    [
      'a list given as text says what it found',
      (doc) => doc.set('groups', 'ReadOnly'),
      'groups: must be a list, not the text "ReadOnly"',
    ],
    [
      'a key left empty says what was expected',
      (doc) => doc.set('channels', null),
      'channels: is empty: expected a mapping (key: value)',
    ],
    [
      'a file without rules is refused',
      (doc) => doc.set('rules', []),
      'rules: list at least one rule: without rules no request can be approved',
    ],
  ];

  it.each(cases)('%s', (_behaviour, change, message) => {
    expect(errorsOf(exampleWith(change))).toContain(message);
  });

  it('reports every problem in the file at once', () => {
    const errors = errorsOf(
      exampleWith((doc) => {
        doc.setIn(['accounts', 'prod'], '3333');
        doc.setIn(['email', 'from'], 'aws-access');
        doc.setIn(['approvers', 'leads'], ['lena']);
      }),
    );
    expect(errors).toEqual([
      'accounts.prod: "3333" is not a 12-digit AWS account id',
      'approvers.leads[0]: "lena" is not a Slack user id (U… or W…)',
      'email.from: must be an email address',
    ]);
  });

  it('gives the line and column of malformed YAML', () => {
    const text = ['accounts:', '  dev: "111111111111"', '  dev: "222222222222"', ''].join('\n');
    expect(errorsOf(text)).toEqual(['access-desk.yml:3:3: not valid YAML: Map keys must be unique']);
    const unclosed = parseConfig('groups: [ReadOnly, Billing\nrules: []\n', NO_ENV, 'org/access.yml');
    expect(unclosed.ok ? [] : unclosed.errors[0]).toMatch(/^org\/access\.yml:2:1: not valid YAML: /);
  });

  it('refuses an empty file and one that is not a mapping', () => {
    expect(errorsOf('')).toEqual(['access-desk.yml: the file is empty: start from access-desk.example.yml']);
    expect(errorsOf('- a\n- b\n')).toEqual([
      'access-desk.yml: must be a mapping of keys at the top level (identityCenter:, accounts:, …)',
    ]);
  });
});

describe('unknown keys', () => {
  const cases: [where: string, change: (doc: Document) => void, message: string][] = [
    [
      'in a rule',
      (doc) => {
        doc.setIn(['rules', 0, 'aprovers'], ['leads']);
        doc.deleteIn(['rules', 0, 'approvers']);
      },
      'rules[0].aprovers: unknown key (did you mean "approvers"?)',
    ],
    [
      'in a match',
      (doc) => doc.setIn(['rules', 3, 'match', 'permissionSet'], ['Developer']),
      'rules[3].match.permissionSet: unknown key (did you mean "permissionSets"?)',
    ],
    [
      'with the wrong case',
      (doc) => doc.setIn(['identityCenter', 'instanceARN'], 'x'),
      'identityCenter.instanceARN: unknown key (did you mean "instanceArn"?)',
    ],
    [
      'shortened',
      (doc) => doc.setIn(['timing', 'reminder'], '10m'),
      'timing.reminder: unknown key (did you mean "reminderBefore"?)',
    ],
    [
      'at the top level',
      (doc) => doc.set('trustedDomains', ['example.com']),
      'trustedDomains: unknown key (did you mean "trustedEmailDomains"?)',
    ],
    [
      'in an approver group written as a mapping',
      (doc) => doc.setIn(['approvers', 'security'], { usergroup: 'S0000SEC01', userz: ['U0000SEC01'] }),
      'approvers.security.userz: unknown key (did you mean "users"?)',
    ],
    [
      'with nothing close, listing the known keys',
      (doc) => doc.setIn(['channels', 'oncall'], 'C0000ONCALL'),
      'channels.oncall: unknown key (known: approvals, audit, security)',
    ],
  ];

  it.each(cases)('are named with the closest known key: %s', (_where, change, message) => {
    expect(errorsOf(exampleWith(change))).toContain(message);
  });
});

describe('secrets', () => {
  it('come only from the environment, and are frozen', () => {
    const result = parseConfig(EXAMPLE, {
      SLACK_BOT_TOKEN: 'xoxb-1-bot',
      SLACK_SIGNING_SECRET: 'signing-secret',
      SLACK_APP_TOKEN: 'xapp-1-app',
      UNRELATED: 'ignored',
    });
    expect(result.ok && result.secrets).toEqual({
      slackBotToken: 'xoxb-1-bot',
      slackSigningSecret: 'signing-secret',
      slackAppToken: 'xapp-1-app',
    });
    expect(result.ok && Object.isFrozen(result.secrets)).toBe(true);
  });

  it('are all absent in the sandbox, and an empty variable counts as unset', () => {
    const result = parseConfig(EXAMPLE, { SLACK_BOT_TOKEN: '', SLACK_APP_TOKEN: '  ' });
    expect(result.ok && result.secrets).toEqual({});
  });

  it('are refused when they cannot work together, without repeating their values', () => {
    expect(errorsOf(EXAMPLE, { SLACK_BOT_TOKEN: 'xoxp-user-token-123', SLACK_APP_TOKEN: 'xapp-1' })).toEqual([
      `SLACK_BOT_TOKEN: must be a bot token (xoxb-…, on the Slack app's "OAuth & Permissions" page)`,
    ]);
    expect(errorsOf(EXAMPLE, { SLACK_APP_TOKEN: 'xapp-1' })).toEqual([
      'SLACK_BOT_TOKEN: is required when SLACK_APP_TOKEN is set',
    ]);
    expect(errorsOf(EXAMPLE, { SLACK_BOT_TOKEN: 'xoxb-1' })).toEqual([
      'SLACK_SIGNING_SECRET: is required with SLACK_BOT_TOKEN for HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)',
    ]);
  });

  it('in a slack block of the file are refused, pointing to the environment', () => {
    const errors = errorsOf(
      exampleWith((doc) => doc.set('slack', { botToken: 'xoxb-1234-secret', signingSecret: 'abc' })),
    );
    expect(errors).toEqual([
      'slack: tokens and secrets come only from the environment (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_APP_TOKEN), never from the file: remove this block',
    ]);
  });

  it('pasted anywhere else in the file are refused and never quoted back', () => {
    const errors = errorsOf(exampleWith((doc) => doc.setIn(['channels', 'audit'], 'xoxb-1234-secret')));
    expect(errors).toEqual([
      'channels.audit: looks like a Slack token: tokens come only from the environment (SLACK_BOT_TOKEN, SLACK_APP_TOKEN); remove it, and rotate it in Slack if the file was shared',
    ]);
    expect(errors.join('\n')).not.toContain('1234-secret');
  });
});
