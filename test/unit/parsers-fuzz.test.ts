/**
 * Property-based fuzzing (fast-check) of every parser: whatever text or value it is given, it answers (never
 * throws), and what it accepts holds up (names are configured ones, durations are within bounds, emails are
 * emails). Seeded, so a failure reproduces: fast-check prints the seed and the shrunk counterexample.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { parseInterval } from '../../src/config/interval.js';
import { parseConfig } from '../../src/config/parse.js';
import { DAY, HOUR, MAX_SPAN, MINUTE, parseDuration } from '../../src/domain/duration.js';
import { isEmailAddress } from '../../src/domain/email.js';
import { resolveName } from '../../src/domain/names.js';
import { LIMITS } from '../../src/domain/text.js';
import { cancelButton, retryButton } from '../../src/slack/blocks/buttons.js';
import {
  openedMetadata,
  readAdminModalMetadata,
  readExtendModalMetadata,
  readRequestModalMetadata,
  sealModal,
} from '../../src/slack/blocks/modal-metadata.js';
import { grantOfClick, pageOfClick, requestOfClick } from '../../src/slack/button-click.js';
import { ACTION, BLOCK, CALLBACK } from '../../src/slack/ids.js';
import {
  parseOffboardModal,
  parseOnboardModal,
  parseRoleChangeModal,
} from '../../src/slack/parse-admin-modal.js';
import { looksLikeDurationWord, takeAccountList } from '../../src/slack/parse-args.js';
import {
  parseDenyModal,
  parseExtendModal,
  parseRequestModal,
  type StateValues,
} from '../../src/slack/parse-modal.js';
import { COMMAND_TEXT_MAX, parseAccessCommand } from '../../src/slack/parse.js';
import { checkSlackBody } from '../../src/slack/payload-shape.js';
import { checkEnvelope } from '../../src/slack/receivers.js';
import { parsePersonRef, plainFromSlack, words } from '../../src/slack/slack-text.js';
import { SUBCOMMAND_NAMES } from '../../src/slack/usage.js';
import { OPTIONS, REQUESTER } from '../support/slack-fixtures.js';

/** One seed for the file: a failure names it, and the same run happens again. */
const RUNS = { seed: 20_261_206, numRuns: 300 } as const;

const PERMISSION_SETS = OPTIONS.permissionSets.map((p) => p.name);
const ALIASES = OPTIONS.accounts.map((a) => a.alias);
const ROLES = ['developer', 'lead'];
const ctx = { userId: REQUESTER, options: OPTIONS, roles: ROLES };

/** Any text, including lone surrogates, control characters and Slack's markup. */
const anyText = (maxLength = 80) => fc.string({ unit: 'binary', maxLength });

/** Words a person (or an attacker) might put on an /access line. */
const word = fc.oneof(
  fc.constantFrom(...SUBCOMMAND_NAMES, 'REQUEST', 'whoami', ''),
  fc.constantFrom(...PERMISSION_SETS, 'developer', 'seniordev', 'AdminAccess'),
  fc.constantFrom(...ALIASES, 'prd', 'dev,prod', 'dev, staging', '111111111111', ','),
  fc.constantFrom(
    '30m',
    '4h',
    '2d',
    '1w',
    '1h30m',
    'permanent',
    '-1h',
    '+4h',
    '0h',
    '1.5h',
    '4hours',
    '1:30',
  ),
  fc.constantFrom('999999d', '367d', '1'.repeat(40), '500-errors', '2FA', '"-1h', 'was"', '“quoted”'),
  fc.constantFrom('sam.dev@example.com', '<mailto:a@b.co|a@b.co>', '<@U0000SAM01|sam>', '<@U0000SAM01>'),
  fc.constantFrom('<!channel>', '<#C123|general>', '<https://x.example|aws>', '&amp;', '&lt;', '<', '>', '|'),
  fc.stringMatching(/^[0-9]{1,4}[a-z]{0,3}$/),
  anyText(12),
);
const commandLine = fc.oneof(
  fc.array(word, { maxLength: 8 }).map((ws) => ws.join(' ')),
  anyText(200),
);

describe('/access command lines', () => {
  it('always answer with a subcommand, and what they accept is configured and in bounds', () => {
    fc.assert(
      fc.property(commandLine, (line) => {
        const parsed = parseAccessCommand(line, ctx);
        expect([...SUBCOMMAND_NAMES, 'unknown']).toContain(parsed.subcommand);
        const result = 'result' in parsed ? parsed.result : undefined;
        if (parsed.subcommand === 'unknown') expect(parsed.message.length).toBeGreaterThan(0);
        if (result?.kind === 'error') {
          expect(result.message.length).toBeGreaterThan(0);
          expect(result.message.length).toBeLessThan(COMMAND_TEXT_MAX + 2_000);
        }
        if (parsed.subcommand === 'request' && parsed.result.kind === 'complete') {
          const { input } = parsed.result;
          expect(PERMISSION_SETS).toContain(input.permissionSet);
          expect(input.accounts.length).toBeGreaterThan(0);
          for (const a of input.accounts) expect(ALIASES).toContain(a);
          if (input.duration?.kind === 'for') {
            expect(input.duration.ms).toBeGreaterThan(0);
            expect(input.duration.ms).toBeLessThanOrEqual(MAX_SPAN);
          }
          expect((input.reason ?? '').length).toBeLessThanOrEqual(LIMITS.reason);
        }
        if (parsed.subcommand === 'extend' && parsed.result.kind === 'complete') {
          const { duration } = parsed.result.input;
          if (duration.kind === 'for') expect(duration.ms).toBeLessThanOrEqual(MAX_SPAN);
        }
        if (parsed.subcommand === 'users' && parsed.result.kind === 'complete') {
          expect(parsed.result.input.page).toBeGreaterThanOrEqual(1);
        }
      }),
      RUNS,
    );
  });

  it('never read a word that looks like a duration as the start of a reason', () => {
    const attempt = fc.oneof(
      fc.constantFrom('-1h', '+4h', '0h', '0m', '1.5h', '4hours', '4x', '1:30', '999999d', '1,5h'),
      fc.stringMatching(/^[+-]?[0-9]{1,6}[a-z.,:0-9]{0,6}$/),
    );
    fc.assert(
      fc.property(attempt, fc.constantFrom('', 'fixing the build', '"quoted reason"'), (w, rest) => {
        const parsed = parseAccessCommand(`request Developer dev ${w} ${rest}`, ctx);
        if (parsed.subcommand !== 'request') throw new Error('not a request');
        if (parsed.result.kind === 'complete') {
          // Only a valid duration is taken, and then it is the duration, not the reason.
          expect(parseDuration(w).ok).toBe(true);
          expect(parsed.result.input.reason ?? '').not.toContain(w);
        } else {
          expect(parsed.result.kind).toBe('error');
          if (parsed.result.kind === 'error') expect(parsed.result.message).toContain('`permanent`');
        }
      }),
      RUNS,
    );
  });
});

describe('durations and intervals', () => {
  it('parseDuration answers anything, and what it accepts lies between a minute and a year', () => {
    fc.assert(
      fc.property(anyText(50), (text) => {
        const parsed = parseDuration(text);
        if (parsed.ok) {
          if (parsed.value.kind === 'for') {
            expect(parsed.value.ms).toBeGreaterThanOrEqual(MINUTE);
            expect(parsed.value.ms).toBeLessThanOrEqual(MAX_SPAN);
          }
        } else {
          expect(['not_a_duration', 'no_time', 'too_long_a_span', 'too_long_a_text']).toContain(parsed.code);
          expect(parsed.message.length).toBeLessThan(300);
        }
      }),
      RUNS,
    );
  });

  it('parseDuration reads back any sum of minutes, hours, days and weeks it is written as', () => {
    const unit = fc.constantFrom<[string, number]>(
      ['m', MINUTE],
      ['min', MINUTE],
      ['h', HOUR],
      ['d', DAY],
      ['w', 7 * DAY],
    );
    const part = fc.tuple(fc.integer({ min: 1, max: 999 }), unit, fc.constantFrom('', ' '));
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 4 }), fc.boolean(), (parts, upper) => {
        const text = parts.map(([n, [u], space]) => `${n}${space}${u}`).join(' ');
        const ms = parts.reduce((sum, [n, [, size]]) => sum + n * size, 0);
        const parsed = parseDuration(upper ? text.toUpperCase() : text);
        if (text.length > 32) expect(parsed).toMatchObject({ ok: false, code: 'too_long_a_text' });
        else if (ms > MAX_SPAN) expect(parsed).toMatchObject({ ok: false, code: 'too_long_a_span' });
        else expect(parsed).toEqual({ ok: true, value: { kind: 'for', ms } });
      }),
      RUNS,
    );
  });

  it('parseInterval answers anything, and reads back seconds, minutes and hours', () => {
    fc.assert(
      fc.property(anyText(50), (text) => {
        const parsed = parseInterval(text);
        if (parsed.ok) expect(parsed.ms).toBeGreaterThanOrEqual(1_000);
        else expect(parsed.message.length).toBeLessThan(300);
      }),
      RUNS,
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9_999 }),
        fc.constantFrom(['s', 1_000], ['m', 60_000], ['h', 3_600_000]),
        (n, [u, size]) => {
          expect(parseInterval(`${n}${u as string}`)).toEqual({ ok: true, ms: n * (size as number) });
        },
      ),
      RUNS,
    );
  });
});

describe('people, emails and names', () => {
  /** The simple pattern the linear checker replaces: it agrees on every short input. */
  const REFERENCE = /^[^\s@<>|\p{Cc}]+@[^\s@<>|\p{Cc}]+\.[^\s@<>|\p{Cc}]+$/u;
  const emailish = fc.string({
    unit: fc.constantFrom('a', 'b', '.', '@', ' ', '<', '>', '|', '-', '\t', 'é', '\u0000', '\u00a0'),
    maxLength: 24,
  });

  it('isEmailAddress agrees with the simple pattern on short inputs', () => {
    fc.assert(
      fc.property(emailish, (text) => {
        expect(isEmailAddress(text)).toBe(REFERENCE.test(text));
      }),
      { ...RUNS, numRuns: 1_000 },
    );
  });

  it('parsePersonRef, words and plainFromSlack answer anything, and a person found is one', () => {
    fc.assert(
      fc.property(fc.oneof(anyText(120), emailish, word), (text) => {
        const ref = parsePersonRef(text);
        if (ref !== undefined && 'email' in ref) {
          expect(isEmailAddress(ref.email)).toBe(true);
          expect(ref.email).toBe(ref.email.toLowerCase());
        }
        if (ref !== undefined && 'slackId' in ref) expect(ref.slackId).toMatch(/^[UW][A-Z0-9]+$/);
        for (const w of words(text)) {
          expect(w).not.toBe('');
          if (!(w.startsWith('<') && w.endsWith('>'))) expect(w).not.toMatch(/\s/);
        }
        expect(typeof plainFromSlack(text)).toBe('string');
        for (const name of takeAccountList(text).names) {
          expect(name).not.toBe('');
          expect(name).not.toMatch(/[\s,]/);
        }
      }),
      RUNS,
    );
  });

  it('resolveName resolves only to a known name, and suggests at most three known ones', () => {
    fc.assert(
      fc.property(fc.oneof(anyText(40), word), (typed) => {
        const resolved = resolveName(typed, PERMISSION_SETS);
        if (resolved.ok) expect(PERMISSION_SETS).toContain(resolved.name);
        else {
          expect(resolved.suggestions.length).toBeLessThanOrEqual(3);
          for (const s of resolved.suggestions) expect(PERMISSION_SETS).toContain(s);
        }
      }),
      RUNS,
    );
  });

  it('a looks-like-a-duration word starts with a digit, or a sign and a digit', () => {
    fc.assert(
      fc.property(anyText(12), (w) => {
        if (looksLikeDurationWord(w)) expect(w).toMatch(/^[+-]?[0-9][0-9A-Za-z.,:]*$/);
      }),
      RUNS,
    );
  });
});

describe('modal values', () => {
  const blockId = fc.constantFrom(...Object.values(BLOCK), 'other');
  const actionId = fc.constantFrom(...Object.values(ACTION), 'other');
  const known = fc.constantFrom(...PERMISSION_SETS, ...ALIASES, ...ROLES, '4h', 'permanent', '2026-01-31');
  const inputValue = fc.oneof(
    fc.anything({ maxDepth: 2 }),
    fc.record(
      {
        type: fc.constantFrom('plain_text_input', 'static_select', 'external_select', 'datepicker'),
        value: fc.oneof(anyText(40), known, fc.constant(null), fc.integer()),
        selected_option: fc.oneof(
          fc.constant(null),
          fc.record({ value: fc.oneof(known, anyText(20), fc.integer()) }),
        ),
        selected_options: fc.oneof(
          fc.array(fc.record({ value: fc.oneof(known, anyText(20)) }), { maxLength: 4 }),
          fc.anything({ maxDepth: 1 }),
        ),
        selected_user: fc.oneof(fc.constant('U0000SAM01'), anyText(10), fc.constant(null)),
        selected_date: fc.oneof(fc.constant('2026-01-31'), anyText(12), fc.constant(null)),
      },
      { requiredKeys: [] },
    ),
  );
  const values = fc.dictionary(blockId, fc.dictionary(actionId, inputValue, { maxKeys: 3 }), {
    maxKeys: 8,
  }) as fc.Arbitrary<StateValues>;
  const blockIds: readonly string[] = Object.values(BLOCK);

  it('every modal parser answers any state, with errors only on its fields, each a short line', () => {
    fc.assert(
      fc.property(values, (state) => {
        const results = [
          parseRequestModal(state, REQUESTER, OPTIONS),
          parseDenyModal(state),
          parseExtendModal(state),
          parseOnboardModal(state, OPTIONS, ROLES),
          parseOffboardModal(state),
          parseRoleChangeModal(state),
        ];
        for (const r of results) {
          if (r.ok) continue;
          for (const [field, message] of Object.entries(r.errors)) {
            expect(blockIds).toContain(field);
            expect(message.length).toBeLessThan(600);
          }
        }
        const [request] = results;
        if (request?.ok === true) {
          const input = request.value as { permissionSet: string; accounts: string[]; reason?: string };
          expect(PERMISSION_SETS).toContain(input.permissionSet);
          for (const a of input.accounts) expect(ALIASES).toContain(a);
          expect((input.reason ?? '').length).toBeLessThanOrEqual(LIMITS.reason);
        }
      }),
      RUNS,
    );
  });

  it('modal metadata is read from anything, and a sealed modal gives back exactly its own', () => {
    fc.assert(
      fc.property(anyText(200), anyText(200), (metadata, other) => {
        readRequestModalMetadata(other);
        readExtendModalMetadata(other);
        readAdminModalMetadata(other);
        const view = sealModal({
          type: 'modal',
          callback_id: CALLBACK.denyModal,
          title: { type: 'plain_text', text: 'Deny' },
          private_metadata: metadata,
          blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'x' } }],
        });
        expect(openedMetadata(view)).toBe(metadata);
        const changed = openedMetadata({ ...view, private_metadata: other });
        expect(changed).toBe(other === metadata ? metadata : other === '' ? '' : undefined);
      }),
      RUNS,
    );
  });
});

describe('button clicks', () => {
  const requestId = fc.stringMatching(/^R-[0-9A-Z]{8}$/);

  it('act on the request of their own card, and on nothing when any part names another', () => {
    fc.assert(
      fc.property(requestId, requestId, fc.constantFrom('cancel', 'retry'), (id, other, kind) => {
        const block = kind === 'cancel' ? cancelButton(id) : retryButton(id);
        const button = block.elements[0] as { action_id: string; value: string };
        const body = { message: { blocks: [block] } };
        const click = { action_id: button.action_id, block_id: block.block_id ?? '', value: button.value };
        expect(requestOfClick(body, click)).toBe(id);
        expect(requestOfClick({}, click)).toBe(id);
        if (other !== id) {
          expect(requestOfClick(body, { ...click, value: other })).toBeUndefined();
          expect(
            requestOfClick(body, {
              ...click,
              value: other,
              block_id: `${kind === 'cancel' ? 'mine' : 'retry'}:${other}`,
            }),
          ).toBeUndefined();
        }
      }),
      RUNS,
    );
  });

  it('answer any body and button without throwing', () => {
    const button = fc.record({
      action_id: fc.oneof(fc.constantFrom(...Object.values(ACTION)), anyText(10)),
      block_id: fc.oneof(
        fc.constantFrom('decide:R-1', 'mine:R-1', 'retry:R-1', 'extend:R-1:G-1', 'users_pager'),
        anyText(20),
      ),
      value: fc.oneof(fc.constantFrom('R-1', 'G-1', '2', '0'), anyText(20)),
    });
    fc.assert(
      fc.property(fc.anything({ maxDepth: 3 }), button, (body, click) => {
        const surface = (typeof body === 'object' && body !== null ? body : {}) as Parameters<
          typeof requestOfClick
        >[0];
        requestOfClick(surface, click);
        grantOfClick(surface, click);
        const page = pageOfClick(surface, click);
        if (page !== undefined) expect(page).toBeGreaterThanOrEqual(1);
      }),
      RUNS,
    );
  });
});

describe('Slack bodies and Socket Mode envelopes', () => {
  it('the shape check answers any value, and any text as an envelope', () => {
    fc.assert(
      fc.property(fc.anything({ maxDepth: 4, withNullPrototype: true }), anyText(200), (body, text) => {
        const checked = checkSlackBody(body);
        if (!checked.ok) expect(checked.problem.length).toBeLessThan(400);
        checkEnvelope(text, false);
        checkEnvelope(JSON.stringify({ type: 'interactive', envelope_id: 'e', payload: body }) ?? 'x', false);
      }),
      RUNS,
    );
  });
});

describe('the config file', () => {
  const EXAMPLE = readFileSync(new URL('../../access-desk.example.yml', import.meta.url), 'utf8');
  const PATHS: readonly (readonly (string | number)[])[] = [
    [],
    ['identityCenter'],
    ['identityCenter', 'instanceArn'],
    ['identityCenter', 'region'],
    ['accounts'],
    ['accounts', 'dev'],
    ['permissionSets'],
    ['permissionSets', 'Developer'],
    ['groups'],
    ['groups', 0],
    ['roles'],
    ['roles', 'developer'],
    ['roles', 'developer', 'assignments', 0, 'accounts'],
    ['people'],
    ['people', 'U0000SAM01'],
    ['approvers'],
    ['approvers', 'leads'],
    ['admins'],
    ['rules'],
    ['rules', 0],
    ['rules', 0, 'match'],
    ['rules', 1, 'maxDuration'],
    ['rules', 3, 'approvals'],
    ['rules', 7, 'match', 'accounts'],
    ['channels'],
    ['channels', 'approvals'],
    ['trustedEmailDomains'],
    ['email'],
    ['email', 'from'],
    ['email', 'cc'],
    ['timing'],
    ['timing', 'schedulerInterval'],
    ['timing', 'pendingLifetime'],
    ['database'],
    ['slack'],
    ['unknownKey'],
  ];
  const value = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.constantFrom('4h', 'permanent', '30s', 'prod', 'leads', 'U0000SAM01', 'a@b.co', 'xoxb-123', '', null),
  );

  it('any change to the example gives a config or problems naming keys, never a throw', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PATHS), value, fc.boolean(), (path, v, remove) => {
        const doc = parseDocument(EXAMPLE);
        if (path.length === 0) doc.contents = parseDocument(JSON.stringify(v)).contents;
        else if (remove) doc.deleteIn(path);
        else doc.setIn(path, v);
        const result = parseConfig(doc.toString(), {});
        if (!result.ok) {
          expect(result.errors.length).toBeGreaterThan(0);
          for (const e of result.errors) expect(e).toMatch(/^\S.*: /);
        }
      }),
      { ...RUNS, numRuns: 200 },
    );
  });

  it('any text gives a config or problems, never a throw', () => {
    const yamlish = fc.string({
      unit: fc.constantFrom(
        'k',
        '1',
        ': ',
        ' ',
        '\n',
        '- ',
        '&a ',
        '*a',
        '*b',
        '!!',
        '[',
        ']',
        '{',
        '}',
        '"',
        "'",
        '#',
        '|',
        '? ',
        '<<: ',
      ),
      maxLength: 40,
    });
    const noThrow = (text: string): void => {
      const result = parseConfig(text, {});
      if (!result.ok) expect(result.errors.length).toBeGreaterThan(0);
    };
    fc.assert(fc.property(yamlish, noThrow), { ...RUNS, numRuns: 500 });
    fc.assert(fc.property(anyText(200), noThrow), RUNS);
  });
});
