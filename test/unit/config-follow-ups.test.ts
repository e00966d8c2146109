import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDocument, type Document } from 'yaml';
import { onCallWarnings } from '../../src/config/on-call.js';
import { parseConfig } from '../../src/config/parse.js';
import { HOUR, MINUTE } from '../../src/domain/duration.js';

const EXAMPLE = readFileSync(new URL('../../access-desk.example.yml', import.meta.url), 'utf8');

function exampleWith(change: (doc: Document) => void): string {
  const doc = parseDocument(EXAMPLE);
  change(doc);
  return doc.toString();
}

function errorsOf(text: string): string[] {
  const result = parseConfig(text, {});
  if (result.ok) throw new Error('expected the config to be refused');
  return result.errors;
}

describe('on-call, ticket and reminder settings in the config file', () => {
  it('refuses a rule whose onCall names no configured schedule, listing those known', () => {
    const errors = errorsOf(
      exampleWith((d) => d.setIn(['rules', 6, 'autoApprove'], { onCall: 'prodution' })),
    );
    expect(errors.join('\n')).toMatch(
      /rules\[6\]\.autoApprove\.onCall.*unknown on-call schedule "prodution"/,
    );
    expect(errors.join('\n')).toContain('production');
  });

  it('refuses an on-call rule that matches only admin work, which on-call never approves', () => {
    const errors = errorsOf(
      exampleWith((d) => d.setIn(['rules', 10, 'autoApprove'], { onCall: 'production' })),
    );
    expect(errors.join('\n')).toMatch(
      /never applies: on-call is checked only for requests of kind access or extend/,
    );
  });

  it('refuses a schedule that is neither a PagerDuty id nor a Slack user group', () => {
    const errors = errorsOf(
      exampleWith((d) => d.setIn(['onCall', 'schedules', 'production'], { pagerduty: 'prod rota' })),
    );
    expect(errors.join('\n')).toMatch(/is not a PagerDuty schedule id/);
  });

  it('refuses a ticket pattern that does not compile, and a link without {ticket}', () => {
    const errors = errorsOf(
      exampleWith((d) =>
        d.setIn(['rules', 2, 'requireTicket'], {
          pattern: '[A-Z+-\\d+',
          url: 'https://t.example.com/browse',
        }),
      ),
    );
    expect(errors.join('\n')).toMatch(/rules\[2\]\.requireTicket\.pattern.*is not a regular expression/);
    expect(errors.join('\n')).toMatch(/rules\[2\]\.requireTicket\.url.*must contain \{ticket\}/);
  });

  it('refuses an escalation without a group, one to an unknown group, and one before the reminder', () => {
    expect(
      errorsOf(
        exampleWith((d) => d.setIn(['rules', 2, 'remind'], { after: '30m', escalateAfter: '1h' })),
      ).join('\n'),
    ).toMatch(/escalateAfter and escalateTo go together/);
    expect(
      errorsOf(
        exampleWith((d) =>
          d.setIn(['rules', 2, 'remind'], { after: '30m', escalateAfter: '1h', escalateTo: ['nightshift'] }),
        ),
      ).join('\n'),
    ).toMatch(/rules\[2\]\.remind\.escalateTo.*nightshift/);
    expect(
      errorsOf(
        exampleWith((d) =>
          d.setIn(['rules', 2, 'remind'], { after: '2h', escalateAfter: '1h', escalateTo: ['admins'] }),
        ),
      ).join('\n'),
    ).toMatch(/must be longer than `after`/);
  });

  it('reads tickets, reminders and quiet approver groups into the rules', () => {
    const text = exampleWith((d) => {
      d.setIn(['rules', 2, 'requireTicket'], { pattern: 'INC-\\d+', url: 'https://t.example.com/{ticket}' });
      d.setIn(['rules', 2, 'remind'], { after: '30m', escalateAfter: '2h', escalateTo: ['admins'] });
      d.setIn(['approvers', 'security'], { users: ['U0000SEC01'], notify: false });
    });
    const result = parseConfig(text, {});
    expect(result.ok ? [] : result.errors).toEqual([]);
    if (!result.ok) return;
    expect(result.config.rules[2]?.requireTicket).toEqual({
      pattern: 'INC-\\d+',
      url: 'https://t.example.com/{ticket}',
    });
    expect(result.config.rules[2]?.remind).toEqual({
      afterMs: 30 * MINUTE,
      escalateAfterMs: 2 * HOUR,
      escalateTo: ['admins'],
    });
    expect(result.config.approvers.security?.notify).toBe(false);
  });

  it('warns at start when a PagerDuty schedule is used and PAGERDUTY_TOKEN is not set, and not when it is', () => {
    const result = parseConfig(EXAMPLE, {});
    if (!result.ok) throw new Error(result.errors.join('\n'));
    expect(onCallWarnings(result.config.onCall, {})).toEqual([
      expect.stringContaining('PAGERDUTY_TOKEN is not set, so onCall.schedules.production cannot be read'),
    ]);
    expect(onCallWarnings(result.config.onCall, { pagerdutyToken: 'x' })).toEqual([]);
  });
});
