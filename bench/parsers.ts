/**
 * The parsers against adversarial input: how long each takes on 4,000 and on 40,000 characters built to make a
 * backtracking pattern slow. A linear parser takes about ten times as long on ten times the input (or less,
 * when it refuses the input unread); a quadratic one, a hundred times. It prints; it does not fail.
 */
import { parseInterval } from '../src/config/interval.js';
import { parseDuration } from '../src/domain/duration.js';
import { isEmailAddress } from '../src/domain/email.js';
import { resolveName } from '../src/domain/names.js';
import { takeAccountList } from '../src/slack/parse-args.js';
import { parseAccessCommand, parseRequestArgs } from '../src/slack/parse.js';
import { parsePersonRef, plainFromSlack, words } from '../src/slack/slack-text.js';

const OPTIONS = {
  permissionSets: ['Developer', 'SeniorDeveloper', 'ReadOnlyAccess', 'AdministratorAccess'].map((name) => ({
    name,
  })),
  accounts: [
    { alias: 'dev', id: '111111111111' },
    { alias: 'prod', id: '333333333333' },
  ],
};
const ctx = { userId: 'U0000BENCH', options: OPTIONS };

const CASES: readonly (readonly [string, (n: number) => string, (text: string) => unknown])[] = [
  ['email: dots after the @', (n) => `a@${'.'.repeat(n)}@`, isEmailAddress],
  ['person: labels that never end', (n) => `a@${'a.'.repeat(n / 2)} `, parsePersonRef],
  ['duration: digits, no unit', (n) => '1'.repeat(n), parseDuration],
  ['interval: number-unit pairs', (n) => '1s'.repeat(n / 2), parseInterval],
  ['words: opened marks', (n) => '<a '.repeat(n / 3), words],
  ['plain text: opened marks', (n) => '<a|'.repeat(n / 3), plainFromSlack],
  ['accounts: commas', (n) => 'a ,'.repeat(n / 3), takeAccountList],
  [
    'name: one long word',
    (n) => 'x'.repeat(n),
    (t) =>
      resolveName(
        t,
        OPTIONS.permissionSets.map((p) => p.name),
      ),
  ],
  [
    'request args: a long reason',
    (n) => `Developer dev 1h ${'x '.repeat(n / 2)}`,
    (t) => parseRequestArgs(t, ctx),
  ],
  [
    'command line (capped)',
    (n) => `request Developer dev 1h ${'x'.repeat(n)}`,
    (t) => parseAccessCommand(t, ctx),
  ],
];

function timeOf(parse: (text: string) => unknown, text: string): number {
  const rounds = 20;
  const start = performance.now();
  for (let i = 0; i < rounds; i += 1) parse(text);
  return (performance.now() - start) / rounds;
}

export function benchParsers(): void {
  console.log('\nParsers on adversarial input (mean of 20 runs)');
  for (const [name, build, parse] of CASES) {
    const small = timeOf(parse, build(4_000));
    const large = timeOf(parse, build(40_000));
    console.log(
      `  ${name.padEnd(32)} 4k: ${small.toFixed(3)} ms  40k: ${large.toFixed(3)} ms  → ×${(large / Math.max(small, 0.001)).toFixed(1)}`,
    );
  }
}
