/** What a legacy_removal card says about why the IAM user may go (src/access/admin/legacy-removal.ts). Pure. */
import type { RequestRecord } from '../../access/ledger.js';
import { escapeMrkdwn, truncate } from '../../domain/text.js';
import { who } from './kit.js';

const iam = (name: string): string => `\`${escapeMrkdwn(truncate(name, 128))}\``;

/** What a legacy_removal card says about why the IAM user may go: who confirmed, or who overrode and why. */
export function legacyRemovalFacts(request: RequestRecord): string[] {
  if (request.kind !== 'legacy_removal') return [];
  const d = request.details as { confirmedBy?: unknown; override?: unknown; legacyIamUserName?: unknown };
  const facts: string[] = [];
  if (typeof d.legacyIamUserName === 'string') facts.push(`*Legacy IAM user*\n${iam(d.legacyIamUserName)}`);
  if (typeof d.confirmedBy === 'string') {
    facts.push(`*Confirmed by*\n${who(d.confirmedBy)}: single sign-on works for them`);
  }
  const override = d.override as { bySlackId?: unknown; reason?: unknown } | undefined;
  if (typeof override?.bySlackId === 'string') {
    const reason = typeof override.reason === 'string' ? escapeMrkdwn(truncate(override.reason, 500)) : '';
    facts.push(`*Not confirmed: removed on ${who(override.bySlackId)}'s word*\n${reason}`);
  }
  return facts;
}
