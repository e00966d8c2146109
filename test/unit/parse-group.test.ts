import { describe, expect, it } from 'vitest';
import { parseGroupArgs } from '../../src/slack/parse-group.js';

describe('/access group, as typed', () => {
  it.each([
    ['list', { action: 'list' }],
    ['LIST  Billing', { action: 'list', group: 'Billing' }],
    ['list "Platform Engineers"', { action: 'list', group: 'Platform Engineers' }],
    ['add <@U0000JAY01|jay> Billing', { action: 'add', who: 'U0000JAY01', group: 'Billing' }],
    [
      'remove <mailto:kim.leaver@example.com|kim.leaver@example.com> Platform Engineers',
      { action: 'remove', who: 'kim.leaver@example.com', group: 'Platform Engineers' },
    ],
    ['create Platform', { action: 'create', name: 'Platform' }],
    [
      'create “Platform Engineers” Everyone who builds &amp; runs it',
      { action: 'create', name: 'Platform Engineers', description: 'Everyone who builds & runs it' },
    ],
    ['create "R&amp;D" research', { action: 'create', name: 'R&D', description: 'research' }],
  ])('reads `%s`', (line, input) => {
    expect(parseGroupArgs(line)).toEqual({ kind: 'complete', input });
  });

  it.each([
    ['', /add, remove, list or create/],
    ['ad @jay Billing', /did you mean `\/access group add`/],
    ['add', /Say whom to add, and to which group/],
    ['add jay Billing', /`jay` is neither a person/],
    ['remove <@U0000JAY01|jay>', /Say which group to remove them from/],
    ['create', /Give the new group a name/],
    ['create "Platform Engineers', /opening quote but no closing one/],
    ['create "" empty', /Give the new group a name/],
  ])('refuses `%s`, saying what would work', (line, message) => {
    const parsed = parseGroupArgs(line);
    expect(parsed.kind).toBe('error');
    if (parsed.kind === 'error') {
      expect(parsed.message).toMatch(message);
      expect(parsed.message).toContain('Usage: `/access group add|remove');
    }
  });
});
