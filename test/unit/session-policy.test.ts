import { describe, expect, it } from 'vitest';
import {
  MAX_POLICY_BYTES,
  MAX_POLICY_CHARS,
  SID_PREFIX,
  nonWhitespaceLength,
  sessionDenialsIn,
  withSessionDenials,
  type PolicyEdit,
  type SessionDenial,
} from '../../src/domain/session-policy.js';

const user = (n: number): string => `906751b6f2-4ce1a4e0-1111-4aaa-8bbb-${n.toString(16).padStart(12, '0')}`;
const account = (n: number): string => String(111_111_111_110 + n);
const deny = (u: number, a: number, endedAt: string): SessionDenial => ({
  userId: user(u),
  accountId: account(a),
  endedAt: new Date(endedAt),
});

type Edited = Extract<PolicyEdit, { ok: true }>;

function edit(current: string | null, denials: readonly SessionDenial[]): Edited {
  const result = withSessionDenials(current, denials);
  if (!result.ok) throw new Error(`expected an edit, got: ${result.problem}`);
  return result;
}

function textOf(current: string | null, denials: readonly SessionDenial[]): string {
  const { text } = edit(current, denials);
  if (text === null) throw new Error('expected a policy text, got none');
  return text;
}

const SKELETON_HEAD = '{"Version":"2012-10-17","Statement":[';

/** access-desk's statements for `denials` exactly as written: joined by ",". */
function oursText(denials: readonly SessionDenial[]): string {
  return textOf(null, denials).slice(SKELETON_HEAD.length, -2);
}

interface Statement {
  Sid?: string;
  Condition: {
    StringEquals: { 'identitystore:userId': string[]; 'aws:PrincipalAccount': string[] };
    DateLessThan: { 'aws:TokenIssueTime': string };
  };
}

function ourStatements(text: string | null): Statement[] {
  if (text === null) return [];
  const doc = JSON.parse(text) as { Statement: unknown };
  const all = (Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement]) as Statement[];
  return all.filter((s) => s.Sid?.startsWith(SID_PREFIX));
}

/** Every (user, account) → moment a policy's statements deny, one line each; a pair twice shows twice. */
function deniedTriples(text: string | null): string[] {
  return ourStatements(text).flatMap((s) =>
    s.Condition.StringEquals['identitystore:userId'].flatMap((u) =>
      s.Condition.StringEquals['aws:PrincipalAccount'].map(
        (a) => `${u} ${a} ${s.Condition.DateLessThan['aws:TokenIssueTime']}`,
      ),
    ),
  );
}

/** A small seeded generator (mulberry32): the same seed always gives the same cases. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const wholeSecondUp = (d: Date): string =>
  new Date(Math.ceil(d.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');

describe('the statement access-desk writes', () => {
  it('is the AWS-documented Deny-all for one user on one account, created with the policy when there was none', () => {
    const d = deny(1, 1, '2026-12-07T14:01:59.250Z');
    expect(edit(null, [d])).toEqual({
      ok: true,
      unchanged: false,
      fitted: [d],
      left: [],
      text:
        '{"Version":"2012-10-17","Statement":[{"Sid":"AccessDeskEndedSessions1","Effect":"Deny","Action":"*",' +
        `"Resource":"*","Condition":{"StringEquals":{"identitystore:userId":["${user(1)}"],` +
        '"aws:PrincipalAccount":["111111111111"]},"DateLessThan":{"aws:TokenIssueTime":"2026-12-07T14:02:00Z"}}}]}',
    });
  });

  it.each([
    ['2026-12-07T14:02:00.001Z', '2026-12-07T14:02:01Z'],
    ['2026-12-07T14:02:00.999Z', '2026-12-07T14:02:01Z'],
    ['2026-12-07T14:01:59.999Z', '2026-12-07T14:02:00Z'],
    ['2026-12-07T14:02:00.000Z', '2026-12-07T14:02:00Z'],
    ['2026-12-31T23:59:59.500Z', '2027-01-01T00:00:00Z'],
  ])('denies sessions issued before %s as before %s: rounded up to a whole second', (endedAt, written) => {
    const [statement] = ourStatements(textOf(null, [deny(1, 1, endedAt)]));
    expect(statement?.Condition.DateLessThan['aws:TokenIssueTime']).toBe(written);
  });

  it('writes the same policy again when given back the denials it reads from it, rounding nothing twice', () => {
    const text = textOf(null, [deny(1, 1, '2026-12-07T14:02:00.400Z'), deny(2, 3, '2026-12-08T09:00:00Z')]);
    expect(edit(text, sessionDenialsIn(text))).toMatchObject({ text, unchanged: true });
  });

  it('numbers its statements 1..n in their order', () => {
    const text = textOf(null, [
      deny(1, 1, '2026-12-07T12:00:00Z'),
      deny(2, 2, '2026-12-07T10:00:00Z'),
      deny(3, 3, '2026-12-07T11:00:00Z'),
    ]);
    expect(ourStatements(text).map((s) => s.Sid)).toEqual([
      'AccessDeskEndedSessions1',
      'AccessDeskEndedSessions2',
      'AccessDeskEndedSessions3',
    ]);
  });
});

describe('merging denials so that many fit', () => {
  it('keeps only the latest moment for the same user and account, which covers the earlier ones', () => {
    const text = textOf(null, [
      deny(1, 1, '2026-12-07T10:00:00Z'),
      deny(1, 1, '2026-12-07T12:00:00Z'),
      deny(1, 1, '2026-12-07T11:00:00Z'),
    ]);
    expect(deniedTriples(text)).toEqual([`${user(1)} ${account(1)} 2026-12-07T12:00:00Z`]);
    expect(ourStatements(text)).toHaveLength(1);
  });

  it("lists a user's accounts in one statement when access ended on them at the same moment", () => {
    const text = textOf(null, [
      deny(1, 3, '2026-12-07T10:00:00Z'),
      deny(1, 1, '2026-12-07T10:00:00Z'),
      deny(1, 2, '2026-12-07T10:00:00Z'),
    ]);
    const statements = ourStatements(text);
    expect(statements).toHaveLength(1);
    expect(statements[0]?.Condition.StringEquals).toEqual({
      'identitystore:userId': [user(1)],
      'aws:PrincipalAccount': [account(1), account(2), account(3)],
    });
  });

  it('lists users in one statement when they lost the very same accounts at the same moment', () => {
    const at = '2026-12-07T10:00:00Z';
    const text = textOf(null, [deny(2, 1, at), deny(1, 1, at), deny(2, 2, at), deny(1, 2, at)]);
    const statements = ourStatements(text);
    expect(statements).toHaveLength(1);
    expect(statements[0]?.Condition.StringEquals).toEqual({
      'identitystore:userId': [user(1), user(2)],
      'aws:PrincipalAccount': [account(1), account(2)],
    });
  });

  it('never merges users whose accounts differ, which would deny a pair nobody asked for', () => {
    const at = '2026-12-07T10:00:00Z';
    const text = textOf(null, [deny(1, 1, at), deny(1, 2, at), deny(2, 1, at)]);
    expect(ourStatements(text)).toHaveLength(2);
    expect(deniedTriples(text).sort()).toEqual(
      [
        `${user(1)} ${account(1)} ${at}`,
        `${user(1)} ${account(2)} ${at}`,
        `${user(2)} ${account(1)} ${at}`,
      ].sort(),
    );
  });

  it('never merges across moments, even for the same accounts', () => {
    const text = textOf(null, [deny(1, 1, '2026-12-07T10:00:00Z'), deny(2, 1, '2026-12-07T10:00:01Z')]);
    expect(ourStatements(text)).toHaveLength(2);
  });

  it('orders statements by moment, then first user, then accounts', () => {
    const text = textOf(null, [
      deny(3, 1, '2026-12-07T09:00:00Z'),
      deny(2, 5, '2026-12-07T10:00:00Z'),
      deny(1, 9, '2026-12-07T10:00:00Z'),
      deny(4, 1, '2026-12-07T08:00:00Z'),
    ]);
    expect(
      ourStatements(text).map(
        (s) =>
          `${s.Condition.DateLessThan['aws:TokenIssueTime']} ${s.Condition.StringEquals['identitystore:userId'][0]}`,
      ),
    ).toEqual([
      `2026-12-07T08:00:00Z ${user(4)}`,
      `2026-12-07T09:00:00Z ${user(3)}`,
      `2026-12-07T10:00:00Z ${user(1)}`,
      `2026-12-07T10:00:00Z ${user(2)}`,
    ]);
  });

  it('denies for random denials exactly the pairs asked for, each at its latest moment, whatever their order', () => {
    const random = seeded(20_261_207);
    const pick = (n: number): number => Math.floor(random() * n);
    const base = Date.parse('2026-12-07T10:00:00Z');
    for (let run = 0; run < 300; run += 1) {
      const denials = Array.from({ length: 1 + pick(40) }, () => ({
        userId: user(pick(6)),
        accountId: account(pick(6)),
        endedAt: new Date(base + pick(4) * 1000 + [0, 1, 500, 999][pick(4)]!),
      }));
      const latest = new Map<string, string>();
      for (const d of denials) {
        const key = `${d.userId} ${d.accountId}`;
        const moment = wholeSecondUp(d.endedAt);
        if ((latest.get(key) ?? '') < moment) latest.set(key, moment);
      }
      const expected = [...latest].map(([pair, moment]) => `${pair} ${moment}`).sort();

      const { text, fitted, left } = edit(null, denials);
      expect(deniedTriples(text).sort()).toEqual(expected);
      expect(fitted).toEqual(denials);
      expect(left).toEqual([]);

      const shuffled = [...denials].sort(() => random() - 0.5);
      expect(edit(null, shuffled).text).toBe(text);
    }
  });

  it("fits a leaver's offboarding of many accounts in one statement", () => {
    const at = '2026-12-07T10:00:00Z';
    const denials = Array.from({ length: 60 }, (_, i) => deny(1, i, at));
    const { text, fitted } = edit(null, denials);
    expect(ourStatements(text)).toHaveLength(1);
    expect(fitted).toHaveLength(60);
  });
});

describe('editing the policy text byte for byte', () => {
  const originals: [string, string][] = [
    [
      'compact',
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}',
    ],
    [
      'odd whitespace and tabs',
      '{\t"Version" :\t"2012-10-17" ,\n\n   "Statement" : [ \t{ "Sid" : "ReadOnly", "Effect":"Allow","Action":["ec2:Describe*"] ,"Resource":"*" }\t,\n  {"Effect":"Allow","Action":"s3:List*","Resource":"*"}   \n ]\t}\n',
    ],
    [
      'CRLF line ends',
      '{\r\n  "Version": "2012-10-17",\r\n  "Statement": [\r\n    {\r\n      "Effect": "Allow",\r\n      "Action": "logs:*",\r\n      "Resource": "*"\r\n    }\r\n  ]\r\n}\r\n',
    ],
    [
      'unicode escapes, escaped quotes and brackets inside strings',
      '{"Version":"2012-10-17","Statement":[{"Sid":"Caf\\u00e9","Effect":"Allow","Action":"s3:GetObject",' +
        '"Resource":"arn:aws:s3:::b/\\"quoted\\"]}[{,","Condition":{"StringLike":{"s3:prefix":["a\\\\","\\u005d\\u007d\\""]}}}]}',
    ],
    [
      'keys in any order, Statement first',
      '{"Statement":[{"Resource":"*","Action":"sts:GetCallerIdentity","Effect":"Allow"}],"Id":"team-policy","Version":"2012-10-17"}',
    ],
    [
      'statements with and without a Sid, and Sids that only look like ours',
      '{"Version":"2012-10-17","Statement":[{"Sid":"Team","Effect":"Allow","Action":"*","Resource":"*"},' +
        '{"Effect":"Deny","Action":"iam:*","Resource":"*"},{"Sid":"MyAccessDeskEndedSessions1","Effect":"Deny","Action":"s3:*","Resource":"*"},' +
        '{"Sid":"accessdeskendedsessions2","Effect":"Deny","Action":"sqs:*","Resource":"*"}]}',
    ],
    [
      'a Statement key written with an escape',
      '{"Version":"2012-10-17","\\u0053tatement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}',
    ],
    [
      'nested arrays, numbers, booleans and null',
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericLessThan":' +
        '{"aws:MultiFactorAuthAge":3600},"Bool":{"aws:SecureTransport":true}},"X":null}],"Extra":[[1,[2.5e3]],{"a":{"b":[]}},-0]}',
    ],
    [
      'characters beyond ASCII, raw',
      '{"Version":"2012-10-17","Statement":[ {"Sid":"Équipe","Effect":"Allow","Action":"*","Resource":"*"} ]}',
    ],
    ['an empty Statement with whitespace inside', '{"Version":"2012-10-17","Id":"x","Statement":[ \n ]}'],
  ];
  const denials = [deny(1, 1, '2026-12-07T10:00:00Z'), deny(2, 2, '2026-12-07T11:00:00.5Z')];

  it.each(originals)(
    'adds its statements at the end of the array and changes nothing else: %s',
    (_, original) => {
      const text = textOf(original, denials);
      const ours = oursText(denials);
      const at = text.indexOf(ours);
      expect(at).toBeGreaterThan(0);
      const hadStatements = (JSON.parse(original) as { Statement: unknown[] }).Statement.length > 0;
      const cut = hadStatements ? at - 1 : at;
      if (hadStatements) expect(text[at - 1]).toBe(',');
      expect(text.slice(0, cut) + text.slice(at + ours.length)).toBe(original);
    },
  );

  it.each(originals)(
    'gives back the original exactly once its statements are all removed: %s',
    (_, original) => {
      const added = textOf(original, denials);
      expect(edit(added, [])).toMatchObject({ text: original, unchanged: false });
    },
  );

  it.each(originals)('reads to the same policy as the original plus its statements: %s', (_, original) => {
    const before = JSON.parse(original) as Record<string, unknown> & { Statement: unknown[] };
    const after = JSON.parse(textOf(original, denials)) as unknown;
    const ours = JSON.parse(`[${oursText(denials)}]`) as unknown[];
    expect(after).toEqual({ ...before, Statement: [...before.Statement, ...ours] });
  });

  it.each(originals)('changes nothing when its statements are already exactly there: %s', (_, original) => {
    const added = textOf(original, denials);
    expect(edit(added, [...denials].reverse())).toMatchObject({ text: added, unchanged: true });
    expect(edit(original, [])).toMatchObject({ text: original, unchanged: true });
  });

  it('removes statements it wrote earlier wherever they are, with the comma that separates them', () => {
    const original =
      '{"Version":"2012-10-17","Statement":[{"Sid":"AccessDeskEndedSessionsX","Effect":"Deny","Action":"*","Resource":"*"},' +
      ' {"Sid":"A","Effect":"Allow","Action":"*","Resource":"*"} ,\t{"Sid":"AccessDeskEndedSessions2","Condition":{"X":["]"]}} ,\n' +
      ' {"Sid":"B","Effect":"Allow","Action":"s3:*","Resource":"*"},\n {"Sid":"AccessDeskEndedSessions7"}\n]}';
    expect(edit(original, [])).toMatchObject({
      unchanged: false,
      text:
        '{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"*","Resource":"*"} ,\n' +
        ' {"Sid":"B","Effect":"Allow","Action":"s3:*","Resource":"*"}\n]}',
    });
    const ours = oursText(denials);
    expect(textOf(original, denials)).toBe(
      '{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"*","Resource":"*"} ,\n' +
        ` {"Sid":"B","Effect":"Allow","Action":"s3:*","Resource":"*"},${ours}\n]}`,
    );
  });

  it('turns a single statement of someone else into a list that keeps it byte for byte', () => {
    const original =
      '{"Version":"2012-10-17","Statement":  {"Effect" : "Allow","Action":"*","Resource":"*"}\n}';
    expect(textOf(original, denials)).toBe(
      `{"Version":"2012-10-17","Statement":  [{"Effect" : "Allow","Action":"*","Resource":"*"},${oursText(denials)}]\n}`,
    );
    expect(edit(original, [])).toMatchObject({ text: original, unchanged: true });
  });

  it('replaces a single statement of its own', () => {
    const earlier = `{"Sid":"AccessDeskEndedSessions1","Effect":"Deny","Action":"*","Resource":"*"}`;
    const original = `{"Version":"2012-10-17","Id":"k","Statement":${earlier}}`;
    expect(textOf(original, denials)).toBe(
      `{"Version":"2012-10-17","Id":"k","Statement":[${oursText(denials)}]}`,
    );
    expect(edit(original, [])).toMatchObject({ text: '{"Version":"2012-10-17","Id":"k","Statement":[]}' });
    expect(edit(`{"Version":"2012-10-17","Statement":${earlier}}`, [])).toMatchObject({ text: null });
  });
});

describe('creating and deleting the policy', () => {
  it('leaves no policy when there was none and there is nothing to deny', () => {
    for (const none of [null, '', '  \n']) {
      expect(edit(none, [])).toEqual({ ok: true, text: null, unchanged: true, fitted: [], left: [] });
    }
  });

  it('creates the policy from an empty answer', () => {
    expect(textOf('', denials())).toBe(textOf(null, denials()));
  });

  it('deletes the policy once nothing but the skeleton it created is left', () => {
    const created = textOf(null, denials());
    expect(edit(created, [])).toEqual({ ok: true, text: null, unchanged: false, fitted: [], left: [] });
    const pretty = `{\n  "Version": "2012-10-17",\n  "Statement": [\n    ${oursText(denials())}\n  ]\n}\n`;
    expect(edit(pretty, [])).toMatchObject({ text: null, unchanged: false });
  });

  it("keeps someone else's empty policy that held nothing of access-desk's", () => {
    const theirs = '{"Version":"2012-10-17","Statement":[]}';
    expect(edit(theirs, [])).toMatchObject({ text: theirs, unchanged: true });
  });

  function denials(): SessionDenial[] {
    return [deny(1, 1, '2026-12-07T10:00:00Z')];
  }
});

describe('fitting within AWS size limits', () => {
  const head =
    '{"Version":"2012-10-17","Statement":[{"Sid":"Team","Effect":"Allow","Action":"s3:GetObject","Resource":"';
  const tail = '"}]}';

  /** Someone else's policy of exactly `chars` characters that count. */
  function othersOf(chars: number): string {
    return head + 'x'.repeat(chars - nonWhitespaceLength(head + tail)) + tail;
  }

  /** What access-desk's statements for `denials` add to a policy, in characters that count. */
  function costOf(denials: readonly SessionDenial[]): number {
    const others = othersOf(1_000);
    return nonWhitespaceLength(textOf(others, denials)) - nonWhitespaceLength(others);
  }

  const a = deny(1, 1, '2026-12-07T10:00:00Z');

  it('fits a denial that reaches the limit exactly, and leaves one that would pass it by a character', () => {
    const cost = costOf([a]);
    const exact = edit(othersOf(MAX_POLICY_CHARS - cost), [a]);
    expect(exact).toMatchObject({ fitted: [a], left: [] });
    expect(nonWhitespaceLength(exact.text ?? '')).toBe(MAX_POLICY_CHARS);
    const over = othersOf(MAX_POLICY_CHARS - cost + 1);
    expect(edit(over, [a])).toEqual({ ok: true, text: over, unchanged: true, fitted: [], left: [a] });
  });

  it('fits as many as it can, oldest first, and answers the rest as left', () => {
    const many = Array.from({ length: 12 }, (_, i) => deny(i, i, `2026-12-07T${String(10 + i)}:00:00Z`));
    const original = othersOf(MAX_POLICY_CHARS - 3 * costOf([a]) - 10);
    const result = edit(original, many);
    expect(result.fitted).toEqual(many.slice(0, 3));
    expect(result.left).toEqual(many.slice(3));
    expect(nonWhitespaceLength(result.text ?? '')).toBeLessThanOrEqual(MAX_POLICY_CHARS);
    expect(sessionDenialsIn(result.text)).toEqual(
      many.slice(0, 3).map((d) => ({ ...d, endedAt: new Date(wholeSecondUp(d.endedAt)) })),
    );
    expect(edit(result.text, [])).toMatchObject({ text: original });
  });

  it('still fits a later denial that costs less than the room left, after one that did not fit', () => {
    const b = deny(2, 2, '2026-12-07T11:00:00Z');
    const sameMomentAsA = deny(1, 3, '2026-12-07T10:00:00Z');
    const earlierOfA = deny(1, 1, '2026-12-07T09:00:00Z');
    const original = othersOf(MAX_POLICY_CHARS - costOf([a]) - 30);
    const result = edit(original, [a, b, sameMomentAsA, earlierOfA]);
    expect(result.fitted).toEqual([a, sameMomentAsA, earlierOfA]);
    expect(result.left).toEqual([b]);
    expect(ourStatements(result.text)).toHaveLength(1);
  });

  it('leaves every denial, and the policy as it is, when the other statements alone are over the limit', () => {
    const ours = oursText([deny(5, 5, '2026-12-01T00:00:00Z')]);
    const original = othersOf(MAX_POLICY_CHARS + 1).replace(/\]\}$/, `,${ours}]}`);
    const denials = [a, deny(2, 2, '2026-12-07T11:00:00Z')];
    expect(edit(original, denials)).toEqual({
      ok: true,
      text: original,
      unchanged: true,
      fitted: [],
      left: denials,
    });
  });

  it('does not count whitespace, however much of it there is', () => {
    const roomy = othersOf(MAX_POLICY_CHARS - costOf([a])).replace(
      '{"Sid"',
      `${' \n\t\r'.repeat(3_000)}{"Sid"`,
    );
    expect(edit(roomy, [a])).toMatchObject({ fitted: [a], left: [] });
  });

  it('keeps the policy within its limit in bytes too, whitespace and multi-byte characters included', () => {
    const text = textOf(othersOf(1_000), [a]);
    const spare = MAX_POLICY_BYTES - new TextEncoder().encode(text).length;
    const justFits = othersOf(1_000).replace('{"Sid"', `${' '.repeat(spare)}{"Sid"`);
    expect(edit(justFits, [a])).toMatchObject({ fitted: [a] });
    const oneByteOver = justFits.replace('"Team"', '"Téam"');
    expect(nonWhitespaceLength(oneByteOver)).toBe(nonWhitespaceLength(justFits));
    expect(edit(oneByteOver, [a])).toMatchObject({ fitted: [], left: [a] });
  });
});

describe('refusing an existing policy it cannot edit safely', () => {
  it.each([
    ['not json', 'the inline policy is not valid JSON ('],
    ['{"Version":"2012-10-17","Statement":[', 'the inline policy is not valid JSON ('],
    ['\uFEFF{"Version":"2012-10-17","Statement":[]}', 'the inline policy is not valid JSON ('],
    ['[]', 'the inline policy is not a JSON object'],
    ['"policy"', 'the inline policy is not a JSON object'],
    ['{"Version":"2012-10-17"}', 'the inline policy has no Statement'],
    ['{"Version":"2012-10-17","Statement":"Allow"}', "the inline policy's Statement is neither"],
    ['{"Version":"2012-10-17","Statement":null}', "the inline policy's Statement is neither"],
    [
      '{"Statement":[],"Version":"2012-10-17","Statement":[]}',
      'the inline policy has more than one Statement',
    ],
    ['{"Statement":[],"\\u0053tatement":{}}', 'the inline policy has more than one Statement'],
  ])('refuses %j, naming what is wrong', (current, problem) => {
    const result = withSessionDenials(current, [deny(1, 1, '2026-12-07T10:00:00Z')]);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toContain(problem);
  });
});

describe('refusing a denial that cannot be right', () => {
  const good = deny(1, 1, '2026-12-07T10:00:00Z');
  it.each([
    ['an empty user id', { ...good, userId: '' }, 'user id'],
    ['a user name for a user id', { ...good, userId: 'alice@example.com' }, 'alice@example.com'],
    [
      'a user id with a quote',
      { ...good, userId: '906751b6f2-4ce1a4e0-1111-4aaa-8bbb-00000000000"' },
      'user id',
    ],
    ['a user id too long', { ...good, userId: `${user(1)}0` }, 'user id'],
    ['an account id of 11 digits', { ...good, accountId: '12345678901' }, '12345678901'],
    ['an account id of 13 digits', { ...good, accountId: '1234567890123' }, 'account id'],
    ['an account id with letters', { ...good, accountId: '12345678901a' }, 'account id'],
    ['an invalid date', { ...good, endedAt: new Date('not a date') }, 'endedAt'],
    ['a date past the year 9999', { ...good, endedAt: new Date('+010000-01-01T00:00:00Z') }, 'endedAt'],
  ])('throws for %s, naming it', (_, denial, named) => {
    expect(() => withSessionDenials(null, [good, denial])).toThrow(named);
    expect(() => withSessionDenials(null, [good, denial])).toThrow('session denial #2');
  });

  it('takes the Identity Store id without its store prefix, and upper-case hex as AWS allows', () => {
    const bare = { ...good, userId: '4CE1A4E0-1111-4AAA-8BBB-000000000001' };
    expect(edit(null, [bare]).fitted).toEqual([bare]);
  });
});

describe('reading denials back', () => {
  it('reads back what it wrote, one per pair at its rounded moment', () => {
    const denials = [
      deny(1, 1, '2026-12-07T10:00:00.300Z'),
      deny(1, 2, '2026-12-07T10:00:00.700Z'),
      deny(2, 1, '2026-12-07T09:00:00Z'),
      deny(2, 1, '2026-12-07T08:00:00Z'),
    ];
    const read = sessionDenialsIn(textOf('{"Version":"2012-10-17","Statement":[{"Sid":"T"}]}', denials));
    const lines = read.map((d) => `${d.userId} ${d.accountId} ${d.endedAt.toISOString()}`).sort();
    expect(lines).toEqual(
      [
        `${user(1)} ${account(1)} 2026-12-07T10:00:01.000Z`,
        `${user(1)} ${account(2)} 2026-12-07T10:00:01.000Z`,
        `${user(2)} ${account(1)} 2026-12-07T09:00:00.000Z`,
      ].sort(),
    );
  });

  it("reads nothing from no policy, text that is not JSON, or others' statements", () => {
    expect(sessionDenialsIn(null)).toEqual([]);
    expect(sessionDenialsIn('')).toEqual([]);
    expect(sessionDenialsIn('{not json')).toEqual([]);
    expect(sessionDenialsIn('{"Version":"2012-10-17","Statement":[{"Sid":"Team","Effect":"Deny"}]}')).toEqual(
      [],
    );
  });

  it('reads a single statement, values written as strings, and skips one of its own that is malformed', () => {
    const text =
      '{"Statement":[{"Sid":"AccessDeskEndedSessions1","Condition":{"StringEquals":{"identitystore:userId":"u",' +
      '"aws:PrincipalAccount":"111111111111"},"DateLessThan":{"aws:TokenIssueTime":"2026-12-07T10:00:00Z"}}},' +
      '{"Sid":"AccessDeskEndedSessions2"},{"Sid":"AccessDeskEndedSessions3","Condition":{"StringEquals":{},' +
      '"DateLessThan":{"aws:TokenIssueTime":"never"}}}]}';
    expect(sessionDenialsIn(text)).toEqual([
      { userId: 'u', accountId: '111111111111', endedAt: new Date('2026-12-07T10:00:00Z') },
    ]);
    const single = textOf(null, [a()]).replace('"Statement":[', '"Statement":').replace(/\]\}$/, '}');
    expect(sessionDenialsIn(single)).toEqual([a()]);
  });

  function a(): SessionDenial {
    return deny(1, 1, '2026-12-07T10:00:00Z');
  }
});

describe('counting characters as AWS does', () => {
  it('counts every character but whitespace, inside strings too', () => {
    expect(nonWhitespaceLength(' a\tb\nc\r d "e f" ')).toBe(8);
    expect(nonWhitespaceLength('')).toBe(0);
  });

  it('counts characters that are not JSON whitespace, to be on the safe side', () => {
    expect(nonWhitespaceLength('é\u00a0')).toBe(2);
  });
});
