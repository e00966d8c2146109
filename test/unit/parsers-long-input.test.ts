/**
 * Every parser fed 40,000 characters built to make a backtracking pattern slow (runs of dots after an `@`,
 * digits with no unit, labels that never end, words with no closing mark). What is checked is the answer: each
 * is refused (or read) as it should be, with a message of a few lines that names the length or the limit. How
 * long it takes is for `npm run bench`; the parsers are written to read each character a bounded number of
 * times (no pattern that can backtrack over an unbounded run), and cap lengths before reading.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { parseConfig } from '../../src/config/parse.js';
import { parseInterval } from '../../src/config/interval.js';
import { renderMrkdwn } from '../../src/console/render/index.js';
import { parseDuration } from '../../src/domain/duration.js';
import { EMAIL_MAX, isEmailAddress } from '../../src/domain/email.js';
import { resolveName } from '../../src/domain/names.js';
import { LIMITS } from '../../src/domain/text.js';
import { openedMetadata, readAdminModalMetadata } from '../../src/slack/blocks/modal-metadata.js';
import { ACTION, BLOCK } from '../../src/slack/ids.js';
import { checkSlackBody } from '../../src/slack/payload-shape.js';
import { parseOffboardArgs, parseRoleArgs } from '../../src/slack/parse-admin.js';
import { parseOnboardModal, parseRoleChangeModal } from '../../src/slack/parse-admin-modal.js';
import { checkAccounts, checkReason, takeAccountList, takeDuration } from '../../src/slack/parse-args.js';
import { parseUsersArgs, parseWhoisArgs } from '../../src/slack/parse-insight.js';
import { parseDenyModal, parseExtendModal, parseRequestModal } from '../../src/slack/parse-modal.js';
import {
  COMMAND_TEXT_MAX,
  parseAccessCommand,
  parseExtendArgs,
  parseRequestArgs,
  parseRevokeArgs,
} from '../../src/slack/parse.js';
import { parsePersonRef, plainFromSlack, words } from '../../src/slack/slack-text.js';
import { OPTIONS, REQUESTER } from '../support/slack-fixtures.js';

const N = 40_000;
const ctx = { userId: REQUESTER, options: OPTIONS, roles: ['developer', 'lead'] };

/** Adversarial texts of N characters, each the worst case of some pattern this code once had. */
const ADVERSARIAL: readonly (readonly [string, string])[] = [
  ['dots after an @', `a@${'.'.repeat(N - 3)}@`],
  ['labels that never end', `a@${'a.'.repeat(N / 2 - 1)} `],
  ['one long local part', `${'a'.repeat(N - 12)}@example.com`],
  ['digits with no unit', '1'.repeat(N)],
  ['number-unit pairs', '1h'.repeat(N / 2)],
  ['digits then a space', `${'1'.repeat(N - 1)} `],
  ['an opened mark', `<${'a'.repeat(N - 1)}`],
  ['opened marks', '<a'.repeat(N / 2)],
  ['commas', 'a,'.repeat(N / 2)],
  ['spaces', `a${' '.repeat(N - 2)}b`],
  ['entities', '&amp;'.repeat(N / 5)],
  ['stars', '*a'.repeat(N / 2)],
];

const short = (message: string): void => expect(message.length).toBeLessThan(2_000);

describe('the /access command line', () => {
  it.each(ADVERSARIAL)('refuses %s after any subcommand unread, naming its length', (_what, text) => {
    for (const sub of [
      'request Developer dev',
      'extend',
      'revoke',
      'whois',
      'offboard',
      'role',
      'users',
      '',
    ]) {
      const line = `${sub} ${text}`;
      const parsed = parseAccessCommand(line, ctx);
      expect(parsed.subcommand).toBe('unknown');
      const message = parsed.subcommand === 'unknown' ? parsed.message : '';
      expect(message).toContain(`${line.trim().length} characters`);
      expect(message).toContain(`at most ${COMMAND_TEXT_MAX}`);
    }
  });

  it.each(ADVERSARIAL)('each subcommand’s own parser answers %s briefly', (_what, text) => {
    for (const parsed of [
      parseRequestArgs(`Developer dev ${text}`, ctx),
      parseRequestArgs(text, ctx),
      parseExtendArgs(text, ctx),
      parseRevokeArgs(`Developer dev ${text}`, ctx),
      parseOffboardArgs(text),
      parseRoleArgs(`${text} developer`, ctx.roles),
      parseWhoisArgs(text),
      parseUsersArgs(text),
    ]) {
      if (parsed.kind === 'error') short(parsed.message);
      else expect(JSON.stringify(parsed).length).toBeLessThan(N + 200);
    }
  });

  it('refuses a reason of 40,000 characters naming its length and the limit', () => {
    const checked = checkReason('x'.repeat(N));
    expect(checked).toEqual({
      ok: false,
      message: `The reason is ${N} characters long; keep it to ${LIMITS.reason}.`,
    });
  });

  it('reads 20,000 account names in one pass, and explains only the first few unknown ones', () => {
    const { names } = takeAccountList('nope,'.repeat(N / 5));
    expect(names).toHaveLength(N / 5);
    const checked = checkAccounts(names, OPTIONS);
    expect(checked.ok).toBe(false);
    if (!checked.ok) {
      expect(checked.message).toContain(`…and ${N / 5 - 5} more unknown accounts.`);
      short(checked.message);
    }
  });

  it('refuses 40,000 digits where a duration goes as not a duration, quoting a bounded part of it', () => {
    const taken = takeDuration(`${'9'.repeat(N)}h fixing`);
    expect(taken.kind).toBe('error');
    if (taken.kind === 'error') {
      expect(taken.message).toContain('is not a duration');
      short(taken.message);
    }
  });
});

describe('people and emails', () => {
  it.each(ADVERSARIAL)('takes none of %s as a person or an email', (_what, text) => {
    expect(parsePersonRef(text)).toBeUndefined();
    expect(parsePersonRef(`<mailto:${text}|x>`)).toBeUndefined();
    expect(parsePersonRef(`<@U${'A'.repeat(N)}>`)).toBeUndefined();
    expect(isEmailAddress(text)).toBe(false);
  });

  it('takes an address of exactly 254 characters, and refuses one of 255', () => {
    const at254 = `${'a'.repeat(EMAIL_MAX - 12)}@example.com`;
    expect(isEmailAddress(at254)).toBe(true);
    expect(parsePersonRef(at254)).toEqual({ email: at254 });
    expect(isEmailAddress(`a${at254}`)).toBe(false);
  });

  it.each(ADVERSARIAL)('reads %s back as plain text and as words, whole', (_what, text) => {
    expect(plainFromSlack(text).length).toBeGreaterThan(0);
    expect(words(text).join('').length).toBeLessThanOrEqual(N);
  });
});

describe('durations, intervals and names', () => {
  it.each(ADVERSARIAL)('refuses %s as a duration and as an interval, naming the limit', (_what, text) => {
    const duration = parseDuration(text);
    expect(duration).toMatchObject({ ok: false, code: 'too_long_a_text' });
    if (!duration.ok) short(duration.message);
    const interval = parseInterval(text);
    expect(interval.ok).toBe(false);
    if (!interval.ok) short(interval.message);
  });

  it.each(ADVERSARIAL)('resolves %s to no configured name, with no suggestion', (_what, text) => {
    expect(
      resolveName(
        text,
        OPTIONS.permissionSets.map((p) => p.name),
      ),
    ).toEqual({ ok: false, suggestions: [] });
  });
});

describe('modal values', () => {
  const value = (text: string) => ({ type: 'plain_text_input', value: text });
  const option = (text: string) => ({ type: 'external_select', selected_option: { value: text } });
  const options = (text: string) => ({
    type: 'multi_external_select',
    selected_options: [{ value: text }, { value: text }],
  });

  it.each(ADVERSARIAL)('refuses %s in every field, quoting a bounded part of it', (_what, text) => {
    const request = parseRequestModal(
      {
        [BLOCK.permissionSet]: { [ACTION.pickPermissionSet]: option(text) },
        [BLOCK.accounts]: { [ACTION.pickAccounts]: options(text) },
        [BLOCK.duration]: { [ACTION.pickDuration]: option(text) },
        [BLOCK.reason]: { [ACTION.typeReason]: value(text) },
      },
      REQUESTER,
      OPTIONS,
    );
    const onboard = parseOnboardModal(
      {
        [BLOCK.email]: { [ACTION.typeEmail]: value(text) },
        [BLOCK.givenName]: { [ACTION.typeGivenName]: value(text) },
        [BLOCK.familyName]: { [ACTION.typeFamilyName]: value(text) },
        [BLOCK.role]: { [ACTION.pickRole]: option(text) },
        [BLOCK.extraPermissionSets]: { [ACTION.pickPermissionSet]: options(text) },
        [BLOCK.extraAccounts]: { [ACTION.pickAccounts]: options(text) },
        [BLOCK.note]: { [ACTION.typeNote]: value(text) },
      },
      OPTIONS,
      ctx.roles,
    );
    const deny = parseDenyModal({ [BLOCK.denyReason]: { [ACTION.typeDenyReason]: value(text) } });
    const extend = parseExtendModal({ [BLOCK.extension]: { [ACTION.pickExtension]: option(text) } });
    const role = parseRoleChangeModal({ [BLOCK.reason]: { [ACTION.typeReason]: value(text) } });
    for (const parsed of [request, onboard, deny, extend, role]) {
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) for (const message of Object.values(parsed.errors)) short(message);
    }
  });

  it.each(ADVERSARIAL)(
    'reads %s as private_metadata without a seal as changed, and as no person',
    (_what, text) => {
      expect(openedMetadata({ private_metadata: text, blocks: [] })).toBeUndefined();
      expect(readAdminModalMetadata(text)).toEqual({});
    },
  );
});

describe('Slack bodies', () => {
  it('checks a click carrying 40,000 actions and a view of 40,000 inputs in one pass each', () => {
    const user = { id: 'U0000SAM01' };
    const actions = Array.from({ length: N }, () => ({ action_id: 'a', block_id: 'b', value: 'v' }));
    expect(checkSlackBody({ type: 'block_actions', user, actions })).toEqual({ ok: true });
    const values = Object.fromEntries(Array.from({ length: N }, (_v, i) => [`b${i}`, { a: { value: 'x' } }]));
    const view = { callback_id: 'request_modal', state: { values } };
    expect(checkSlackBody({ type: 'view_submission', user, view })).toEqual({ ok: true });
    values.b39999 = { a: { value: 42 } } as unknown as (typeof values)[string];
    expect(checkSlackBody({ type: 'view_submission', user, view })).toEqual({
      ok: false,
      problem: 'body.view.state.values.b39999.a.value must be text',
    });
  });
});

describe('the config file', () => {
  const EXAMPLE = readFileSync(new URL('../../access-desk.example.yml', import.meta.url), 'utf8');
  const withValue = (path: (string | number)[], value: unknown): string => {
    const doc = parseDocument(EXAMPLE);
    doc.setIn(path, value);
    return doc.toString({ lineWidth: 0 });
  };

  it.each(ADVERSARIAL)(
    'refuses %s as an email, a duration, an interval and a name, each message a line',
    (_what, text) => {
      for (const [path, key] of [
        [['email', 'from'], 'email.from'],
        [['rules', 1, 'maxDuration'], 'rules[1].maxDuration'],
        [['timing', 'schedulerInterval'], 'timing.schedulerInterval'],
        [['trustedEmailDomains', 0], 'trustedEmailDomains[0]'],
      ] as const) {
        const result = parseConfig(withValue([...path], text), {});
        expect(result.ok, key).toBe(false);
        const errors = result.ok ? [] : result.errors;
        expect(
          errors.some((e) => e.startsWith(key)),
          `${key}: ${errors.join('\n').slice(0, 500)}`,
        ).toBe(true);
        for (const e of errors) short(e);
      }
    },
  );

  it('refuses a key of 40,000 characters as unknown, quoting its start and its length', () => {
    const result = parseConfig(`${EXAMPLE}\n? ${'k'.repeat(N)}\n: 1\n`, {});
    const errors = result.ok ? [] : result.errors;
    expect(errors).toEqual([expect.stringMatching(/^\["k{80}"… \(40000 characters\)\]: unknown key/)]);
    for (const e of errors) short(e);
  });
});

describe('the local console', () => {
  it.each(ADVERSARIAL)('renders %s as mrkdwn', (_what, text) => {
    expect(renderMrkdwn(text, { people: new Map(), channels: new Map() } as never).length).toBeGreaterThan(0);
  });
});
