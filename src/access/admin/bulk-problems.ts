/**
 * A bulk onboarding file's problems in words, for a refusal and for the preview: `*Row 3, Email*: …` (mrkdwn,
 * the file's text escaped here, once). Pure.
 */
import { escapeMrkdwn } from '../../domain/text.js';
import type { BulkProblem } from './bulk-csv.js';

/** Problems a refusal lists one by one; the rest are counted (the preview shows them all). */
const PROBLEMS_SAID = 10;

/** The refusal of a file with problems: the first ones by row and column, the rest counted. */
export function problemsText(problems: readonly BulkProblem[]): string {
  const lines = problems.slice(0, PROBLEMS_SAID).map((p) => `• ${problemLine(p)}`);
  const more = problems.length - PROBLEMS_SAID;
  return [
    `Nothing was done: ${problems.length === 1 ? 'one row has a problem' : `the file has ${problems.length} problems`}. Fix ${problems.length === 1 ? 'it' : 'them'} and share the file again.`,
    ...lines,
    ...(more > 0 ? [`…and ${more} more (the preview lists them all).`] : []),
  ].join('\n');
}

/** `Row 3, email: …` (mrkdwn, user text escaped). */
export function problemLine(p: BulkProblem): string {
  const where = [
    p.row !== undefined ? `Row ${p.row}` : '',
    p.column !== undefined ? escapeMrkdwn(p.column) : '',
  ]
    .filter((w) => w !== '')
    .join(', ');
  return `${where !== '' ? `*${where}*: ` : ''}${escapeMrkdwn(p.message)}`;
}
