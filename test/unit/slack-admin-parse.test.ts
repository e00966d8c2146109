import { describe, expect, it } from 'vitest';
import { ACTION, BLOCK, LEGACY_CLEANUP_VALUE } from '../../src/slack/ids.js';
import { parseAccessCommand, type ParsedCommand } from '../../src/slack/parse.js';
import {
  onboardingRefusalErrors,
  parseOffboardModal,
  parseOnboardModal,
  parseRoleChangeModal,
} from '../../src/slack/parse-admin-modal.js';
import type { StateValues } from '../../src/slack/parse-modal.js';
import { ADMIN, OPTIONS } from '../support/slack-fixtures.js';

const ROLES = ['Developer', 'SeniorDeveloper'];
const parse = (text: string): ParsedCommand =>
  parseAccessCommand(text, { userId: ADMIN, options: OPTIONS, roles: ROLES });

describe('/access onboard', () => {
  it('opens the form, empty without arguments and with the email when one is given', () => {
    expect(parse('onboard')).toEqual({ subcommand: 'onboard', result: { kind: 'modal', prefill: {} } });
    expect(parse('onboard <mailto:Dara.OConnor@example.com|Dara.OConnor@example.com>')).toEqual({
      subcommand: 'onboard',
      result: { kind: 'modal', prefill: { email: 'dara.oconnor@example.com' } },
    });
  });

  it.each(['onboard dara', 'onboard <@U0000DARA|dara>', 'onboard a@example.com b@example.com'])(
    'refuses "%s" with the usage line',
    (text) => {
      const parsed = parse(text);
      expect(parsed.subcommand).toBe('onboard');
      const result = parsed.subcommand === 'onboard' ? parsed.result : undefined;
      expect(result).toMatchObject({
        kind: 'error',
        message: expect.stringContaining('/access onboard [email]') as unknown,
      });
    },
  );
});

describe('/access offboard', () => {
  it.each([
    { text: 'offboard kim.leaver@example.com', who: 'kim.leaver@example.com' },
    {
      text: 'offboard <mailto:kim.leaver@example.com|kim.leaver@example.com>',
      who: 'kim.leaver@example.com',
    },
    { text: 'offboard <@U0000KIM|kim>', who: 'U0000KIM' },
  ])('reads "$text" as $who', ({ text, who }) => {
    expect(parse(text)).toEqual({ subcommand: 'offboard', result: { kind: 'complete', input: { who } } });
  });

  it.each([
    { text: 'offboard', says: 'Say who is leaving' },
    { text: 'offboard kim', says: 'is neither a person' },
    { text: 'offboard kim@example.com last day', says: 'one person at a time' },
  ])('refuses "$text": $says', ({ text, says }) => {
    const parsed = parse(text);
    const result = parsed.subcommand === 'offboard' ? parsed.result : undefined;
    expect(result).toMatchObject({ kind: 'error', message: expect.stringContaining(says) as unknown });
  });

  it('escapes what it quotes back, so a mention typed as the person cannot ping', () => {
    const parsed = parse('offboard <!channel>');
    const message =
      parsed.subcommand === 'offboard' && parsed.result.kind === 'error' ? parsed.result.message : '';
    expect(message).toContain('&lt;!channel&gt;');
    expect(message).not.toContain('<!channel>');
  });
});

describe('/access role', () => {
  it('reads the person and the role, matching the role ignoring case', () => {
    expect(parse('role <@U0000SAM|sam> seniordeveloper')).toEqual({
      subcommand: 'role',
      result: { kind: 'complete', input: { who: 'U0000SAM', role: 'SeniorDeveloper' } },
    });
  });

  it('suggests the closest role for a typo, and lists the roles when nothing is close', () => {
    const typo = parse('role sam@example.com Developr');
    expect(typo.subcommand === 'role' && typo.result).toMatchObject({
      kind: 'error',
      message: expect.stringContaining('did you mean `Developer`') as unknown,
    });
    const far = parse('role sam@example.com Astronaut');
    expect(far.subcommand === 'role' && far.result).toMatchObject({
      kind: 'error',
      message: expect.stringContaining('Known roles: `Developer`, `SeniorDeveloper`') as unknown,
    });
  });

  it('passes the role on unchecked when the roles are not known to the parser', () => {
    expect(parseAccessCommand('role sam@example.com Anything', { userId: ADMIN, options: OPTIONS })).toEqual({
      subcommand: 'role',
      result: { kind: 'complete', input: { who: 'sam@example.com', role: 'Anything' } },
    });
  });

  it.each(['role', 'role sam@example.com', 'role sam@example.com Developer extra'])(
    'refuses "%s" with the usage line',
    (text) => {
      const parsed = parse(text);
      expect(parsed.subcommand === 'role' && parsed.result).toMatchObject({
        kind: 'error',
        message: expect.stringContaining('/access role <email|@user> <role>') as unknown,
      });
    },
  );
});

describe('/access migrate', () => {
  const result = (text: string) => {
    const parsed = parse(text);
    if (parsed.subcommand !== 'migrate') throw new Error(`parsed as ${parsed.subcommand}`);
    return parsed.result;
  };

  it('lists who is waiting when given nothing', () => {
    expect(result('migrate')).toEqual({ kind: 'complete', input: { kind: 'list' } });
  });

  it('takes one person, by email or by @mention', () => {
    expect(result('migrate Sam.Dev@example.com')).toEqual({
      kind: 'complete',
      input: { kind: 'start', who: 'sam.dev@example.com' },
    });
    expect(result('migrate <@U0000SAM|sam>')).toEqual({
      kind: 'complete',
      input: { kind: 'start', who: 'U0000SAM' },
    });
  });

  it('takes a removal with its reason, with or without --reason and quotes', () => {
    const removal = { kind: 'remove', who: 'sam.dev@example.com', reason: 'left in May, keys unused' };
    for (const text of [
      'migrate remove sam.dev@example.com --reason "left in May, keys unused"',
      'migrate remove sam.dev@example.com left in May, keys unused',
      'migrate REMOVE <mailto:sam.dev@example.com|sam.dev@example.com> --reason=“left in May, keys unused”',
    ]) {
      expect(result(text)).toEqual({ kind: 'complete', input: removal });
    }
    expect(result('migrate remove <@U0000SAM|sam>')).toEqual({
      kind: 'complete',
      input: { kind: 'remove', who: 'U0000SAM' },
    });
  });

  it.each([
    ['migrate sam', 'is neither a person'],
    ['migrate sam.dev@example.com kim.leaver@example.com', 'one person at a time'],
    ['migrate remove', 'Say whose legacy IAM user'],
    ['migrate remove sam --reason gone', 'is neither a person'],
  ])('refuses "%s", saying what was wrong and the usage', (text, says) => {
    const parsed = result(text);
    expect(parsed.kind).toBe('error');
    const message = parsed.kind === 'error' ? parsed.message : '';
    expect(message).toContain(says);
    expect(message).toContain('/access migrate');
  });

  it('refuses a reason longer than the limit, saying how long it may be', () => {
    const parsed = result(`migrate remove sam.dev@example.com --reason ${'x'.repeat(501)}`);
    expect(parsed.kind === 'error' && parsed.message).toContain('keep it to 500');
  });
});

const text = (action: string, value: string) => ({ [action]: { value } });
const pick = (action: string, value: string) => ({ [action]: { selected_option: { value } } });
const picks = (action: string, values: string[]) => ({
  [action]: { selected_options: values.map((value) => ({ value })) },
});

function onboardValues(overrides: StateValues = {}): StateValues {
  return {
    [BLOCK.email]: text(ACTION.typeEmail, ' Dara.OConnor@Example.com '),
    [BLOCK.givenName]: text(ACTION.typeGivenName, 'Dara'),
    [BLOCK.familyName]: text(ACTION.typeFamilyName, "O'Connor"),
    [BLOCK.displayName]: text(ACTION.typeDisplayName, ''),
    [BLOCK.role]: pick(ACTION.pickRole, 'Developer'),
    ...overrides,
  };
}

describe('the onboarding form', () => {
  it('becomes a new starter, the display name left to the service’s default', () => {
    expect(parseOnboardModal(onboardValues(), OPTIONS, ROLES)).toEqual({
      ok: true,
      value: {
        email: 'dara.oconnor@example.com',
        givenName: 'Dara',
        familyName: "O'Connor",
        role: 'Developer',
      },
    });
  });

  it('turns the extra permission sets and accounts into every pair, with the Slack account and start date', () => {
    const parsed = parseOnboardModal(
      onboardValues({
        [BLOCK.role]: pick(ACTION.pickRole, ''),
        [BLOCK.extraPermissionSets]: picks(ACTION.pickPermissionSet, ['ReadOnlyAccess', 'Developer']),
        [BLOCK.extraAccounts]: picks(ACTION.pickAccounts, ['dev', 'prod']),
        [BLOCK.slackUser]: { [ACTION.pickSlackUser]: { selected_user: 'U0000DARA' } },
        [BLOCK.startDate]: { [ACTION.pickStartDate]: { selected_date: '2026-04-01' } },
        [BLOCK.note]: text(ACTION.typeNote, 'payments team'),
        [BLOCK.displayName]: text(ACTION.typeDisplayName, 'Dara OC'),
      }),
      OPTIONS,
      ROLES,
    );
    expect(parsed).toEqual({
      ok: true,
      value: {
        email: 'dara.oconnor@example.com',
        givenName: 'Dara',
        familyName: "O'Connor",
        displayName: 'Dara OC',
        extra: [
          { permissionSet: 'ReadOnlyAccess', accounts: ['dev', 'prod'] },
          { permissionSet: 'Developer', accounts: ['dev', 'prod'] },
        ],
        slackUserId: 'U0000DARA',
        startDate: '2026-04-01',
        note: 'payments team',
      },
    });
  });

  it('puts each problem under its own field', () => {
    const parsed = parseOnboardModal(
      onboardValues({
        [BLOCK.email]: text(ACTION.typeEmail, 'dara'),
        [BLOCK.givenName]: text(ACTION.typeGivenName, ''),
        [BLOCK.familyName]: text(ACTION.typeFamilyName, '<!channel>'),
        [BLOCK.role]: pick(ACTION.pickRole, 'Astronaut'),
        [BLOCK.extraPermissionSets]: picks(ACTION.pickPermissionSet, ['ReadOnlyAccess']),
      }),
      OPTIONS,
      ROLES,
    );
    expect(parsed).toEqual({
      ok: false,
      errors: {
        [BLOCK.email]: 'dara is not an email address.',
        [BLOCK.givenName]: 'Give their first name.',
        [BLOCK.familyName]: 'The last name cannot contain < > or control characters.',
        [BLOCK.role]: 'Astronaut is not a configured role.',
        [BLOCK.extraAccounts]: 'Pick the accounts these permission sets are for.',
      },
    });
  });

  it('asks for a role or extra access when neither is picked, on a field the form has', () => {
    const none = onboardValues({ [BLOCK.role]: pick(ACTION.pickRole, '') });
    expect(parseOnboardModal(none, OPTIONS, ROLES)).toMatchObject({
      ok: false,
      errors: { [BLOCK.role]: expect.any(String) as unknown },
    });
    expect(parseOnboardModal(none, OPTIONS, [])).toMatchObject({
      ok: false,
      errors: { [BLOCK.extraPermissionSets]: expect.any(String) as unknown },
    });
  });

  it('puts the service’s refusals on the field they are about, in plain text', () => {
    expect(
      onboardingRefusalErrors(
        {
          code: 'user_exists',
          message: 'A user *dara.oconnor@example.com* already exists in Identity Center.',
        },
        true,
      ),
    ).toEqual({
      [BLOCK.email]:
        'A user dara.oconnor@example.com already exists in Identity Center. To change what an existing user has, use /access role.',
    });
    expect(
      onboardingRefusalErrors({ code: 'untrusted_domain', message: 'gmail.com is not trusted.' }, true),
    ).toEqual({
      [BLOCK.email]: 'gmail.com is not trusted.',
    });
    expect(onboardingRefusalErrors({ code: 'unknown_role', message: 'No role `X`.' }, true)).toEqual({
      [BLOCK.role]: 'No role `X`.',
    });
    // No role field without configured roles: the error still lands on a field that exists.
    expect(
      Object.keys(onboardingRefusalErrors({ code: 'unknown_role', message: 'No role.' }, false)),
    ).toEqual([BLOCK.extraPermissionSets]);
    // The service's invalid_input names the field in its words.
    expect(
      onboardingRefusalErrors(
        { code: 'invalid_input', message: 'Give both the first name and the last name.' },
        true,
      ),
    ).toEqual({ [BLOCK.givenName]: 'Give both the first name and the last name.' });
    expect(
      Object.keys(
        onboardingRefusalErrors(
          { code: 'invalid_input', message: 'Give the start date as YYYY-MM-DD.' },
          true,
        ),
      ),
    ).toEqual([BLOCK.startDate]);
    expect(onboardingRefusalErrors({ code: 'not_admin', message: 'Only admins &amp; leads.' }, true)).toEqual(
      {
        [BLOCK.email]: 'Only admins & leads.',
      },
    );
  });
});

describe('the offboarding and role-change forms', () => {
  it('offboarding needs a reason and reads the legacy IAM checkbox', () => {
    expect(parseOffboardModal({ [BLOCK.reason]: text(ACTION.typeReason, ' ') })).toEqual({
      ok: false,
      errors: { [BLOCK.reason]: expect.any(String) as unknown },
    });
    expect(
      parseOffboardModal({
        [BLOCK.reason]: text(ACTION.typeReason, 'last day'),
        [BLOCK.legacyCleanup]: picks(ACTION.checkLegacyCleanup, [LEGACY_CLEANUP_VALUE]),
      }),
    ).toEqual({ ok: true, value: { reason: 'last day', cleanupLegacyIam: true } });
    expect(parseOffboardModal({ [BLOCK.reason]: text(ACTION.typeReason, 'last day') })).toEqual({
      ok: true,
      value: { reason: 'last day', cleanupLegacyIam: false },
    });
  });

  it('a role change’s reason is optional but bounded', () => {
    expect(parseRoleChangeModal({})).toEqual({ ok: true, value: {} });
    expect(parseRoleChangeModal({ [BLOCK.reason]: text(ACTION.typeReason, 'x'.repeat(501)) }).ok).toBe(false);
  });
});
