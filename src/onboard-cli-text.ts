/**
 * What `npm run onboard` prints: the problems by row and column, or the preview (the people, their roles and
 * what each role gives, who must approve), in plain text for a terminal. The service's rule messages are
 * written for Slack and are read back into plain words here. Pure.
 */
import type { BulkPreview, BulkProblem } from './access/bulk-api.js';
import { plainFromSlack } from './slack/slack-text.js';

/** Slack mrkdwn (`*bold*`, `<@U1>`, `&lt;`) as a terminal reads it. */
export const plainWords = (mrkdwn: string): string => plainFromSlack(mrkdwn).replace(/\*/g, '');

export function problemText(p: BulkProblem): string {
  const where = [p.row !== undefined ? `row ${p.row}` : '', p.column ?? '']
    .filter((w) => w !== '')
    .join(', ');
  return `${where !== '' ? `${where}: ` : ''}${p.message}`;
}

/** The preview, or the problems; each line ends with a newline. */
export function previewText(preview: BulkPreview, file: string): string {
  const n = preview.rows;
  const lines: string[] = [];
  if (preview.problems.length > 0) {
    const count = preview.problems.length;
    lines.push(
      `${file}: ${n} ${n === 1 ? 'person' : 'people'}, ${count === 1 ? '1 problem' : `${count} problems`}; nothing was done. Fix ${count === 1 ? 'it' : 'them'} and run this again.`,
      ...preview.problems.map((p) => `  ${problemText(p)}`),
    );
    return `${lines.join('\n')}\n`;
  }
  lines.push(`${file}: ${n} ${n === 1 ? 'person' : 'people'}, every row checked.`, '', 'What they get:');
  const byRole = new Map<string, BulkPreview['people']>();
  for (const p of preview.people) byRole.set(p.role, [...(byRole.get(p.role) ?? []), p]);
  for (const [role, people] of byRole) {
    const first = people[0]!;
    const gives = [
      ...(first.groups.length > 0 ? [`groups ${first.groups.join(', ')}`] : []),
      ...first.assignments.map((a) => `${a.permissionSet} on ${a.accounts.join(', ')}`),
    ];
    lines.push(`  ${role} × ${people.length}: ${gives.length > 0 ? gives.join('; ') : 'nothing'}`);
  }
  lines.push('', 'People:');
  for (const p of preview.people) {
    const extra = [
      ...(p.slackUserId !== undefined ? [`Slack ${p.slackUserId}`] : []),
      ...(p.startDate !== undefined ? [`starts ${p.startDate}`] : []),
    ];
    lines.push(
      `  row ${p.row}  ${p.displayName} <${p.email}>  ${p.role}${extra.length > 0 ? `  ${extra.join('  ')}` : ''}`,
    );
  }
  lines.push('');
  const rules = preview.rules;
  if (rules !== undefined && !rules.ok) {
    const hint = rules.code === 'reason_required' ? ' Give it with --reason "…".' : '';
    lines.push(`The rules refuse it: ${plainWords(rules.message)}${hint}`);
  } else if (rules?.autoApprove === true)
    lines.push('The rules approve it at once: submitting starts the work.');
  else if (rules !== undefined) {
    const needs = rules.requirements.map(
      (r) => `${r.approvals} of ${r.approvers.join(', ')}${r.what !== '' ? ` (for ${r.what})` : ''}`,
    );
    lines.push(`Needs ${needs.join(' and ')}. Nobody in the file may approve it, nor the admin who asks.`);
  }
  return `${lines.join('\n')}\n`;
}
