import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../src/access/ledger.js';
import { userUpdateModal } from '../../src/slack/blocks/user-update-modal.js';
import { changesBlocks, changesText, welcomeResentMessage } from '../../src/slack/blocks/user-update-text.js';
import { ACTION, BLOCK } from '../../src/slack/ids.js';
import { parseAccessCommand } from '../../src/slack/parse.js';
import { parseUserArgs, parseWelcomeArgs } from '../../src/slack/parse-people.js';
import { parseUserUpdateModal } from '../../src/slack/parse-people-modal.js';

const preview = {
  user: {
    id: 'u-1',
    userName: 'sam.dev@example.com',
    displayName: 'Sam Developer',
    givenName: 'Sam',
    familyName: 'Developer',
    email: 'sam.dev@example.com',
  },
  email: 'sam.dev@example.com',
  reasonRequired: false,
};

const request = (details: Record<string, unknown>): RequestRecord =>
  ({ id: 'R-1', kind: 'user_update', details }) as unknown as RequestRecord;

describe('the people commands', () => {
  it('reads `user update` with one person, by email or mention', () => {
    expect(parseUserArgs('update sam.dev@example.com')).toEqual({
      kind: 'complete',
      input: { who: 'sam.dev@example.com' },
    });
    expect(parseUserArgs('UPDATE <@U0000SAM01|sam>')).toEqual({
      kind: 'complete',
      input: { who: 'U0000SAM01' },
    });
    expect(parseWelcomeArgs('<@U0000SAM01>')).toEqual({ kind: 'complete', input: { who: 'U0000SAM01' } });
  });

  it('names what is wrong with the usage: no action, another action, no person, two people, not a person', () => {
    for (const args of ['', 'delete @sam', 'update', 'update @sam @sara', 'update sam']) {
      const parsed = parseUserArgs(args);
      expect(parsed.kind, args).toBe('error');
      expect(parsed.kind === 'error' && parsed.message, args).toContain('/access user update <email|@user>');
    }
    expect(parseWelcomeArgs('').kind).toBe('error');
    expect(parseWelcomeArgs('a@example.com b@example.com').kind).toBe('error');
  });

  it('routes `/access user` and `/access welcome` to their subcommands', () => {
    const ctx = { userId: 'U0000ADMIN', options: { permissionSets: [], accounts: [] } };
    expect(parseAccessCommand('user update @sam', ctx as never).subcommand).toBe('user');
    expect(parseAccessCommand('welcome sam.dev@example.com', ctx as never)).toMatchObject({
      subcommand: 'welcome',
      result: { kind: 'complete', input: { who: 'sam.dev@example.com' } },
    });
  });
});

describe('the update form', () => {
  const modal = userUpdateModal(preview, { who: 'U0000SAM01', userId: 'u-1' });
  const json = JSON.stringify(modal);

  it('is prefilled with the details, and shows the user name without a field to change it', () => {
    const initial = (block: string) =>
      (modal.blocks.find((b) => b.block_id === block) as { element?: { initial_value?: string } } | undefined)
        ?.element?.initial_value;
    expect(initial(BLOCK.givenName)).toBe('Sam');
    expect(initial(BLOCK.familyName)).toBe('Developer');
    expect(initial(BLOCK.displayName)).toBe('Sam Developer');
    expect(initial(BLOCK.email)).toBe('sam.dev@example.com');
    expect(json).toContain('cannot be changed');
    expect(modal.blocks.filter((b) => b.type === 'input')).toHaveLength(5);
    expect(JSON.parse(modal.private_metadata ?? '{}')).toMatchObject({ who: 'U0000SAM01', userId: 'u-1' });
  });

  it('makes the reason optional unless the rules ask for one', () => {
    const reason = (m: typeof modal) =>
      m.blocks.find((b) => b.block_id === BLOCK.reason) as { optional?: boolean };
    expect(reason(modal).optional).toBe(true);
    expect(reason(userUpdateModal({ ...preview, reasonRequired: true })).optional).toBeUndefined();
  });

  it('escapes a display name that carries markup', () => {
    const hostile = userUpdateModal({ ...preview, user: { ...preview.user, displayName: '<!channel> *x*' } });
    expect(JSON.stringify(hostile.blocks[0])).not.toContain('<!channel>');
  });

  it('reads a submission, lower-casing the email, and names each bad field', () => {
    const values = (v: Record<string, string>) => ({
      [BLOCK.givenName]: { [ACTION.typeGivenName]: { value: v.given ?? 'Sam' } },
      [BLOCK.familyName]: { [ACTION.typeFamilyName]: { value: v.family ?? 'Developer' } },
      [BLOCK.displayName]: { [ACTION.typeDisplayName]: { value: v.display ?? 'Sam D.' } },
      [BLOCK.email]: { [ACTION.typeEmail]: { value: v.email ?? 'Sam.D@Example.com' } },
      [BLOCK.reason]: { [ACTION.typeReason]: { value: v.reason ?? '' } },
    });
    expect(parseUserUpdateModal(values({}))).toEqual({
      ok: true,
      value: { givenName: 'Sam', familyName: 'Developer', displayName: 'Sam D.', email: 'sam.d@example.com' },
    });
    const bad = parseUserUpdateModal(values({ given: '', display: '<b>', email: 'not an email' }));
    expect(bad.ok).toBe(false);
    expect(!bad.ok && Object.keys(bad.errors).sort()).toEqual(
      [BLOCK.displayName, BLOCK.email, BLOCK.givenName].sort(),
    );
  });
});

describe('what a change of details says', () => {
  const changes = [
    { field: 'displayName', from: 'Sam Developer', to: '<!here> Sam' },
    { field: 'email', from: 'sam.dev@example.com', to: 'sam.d@example.com' },
  ];

  it('lists each change from → to on the card, escaped, and notes the user name stays', () => {
    const blocks = JSON.stringify(changesBlocks(request({ changes })));
    expect(blocks).toContain('*display name*: “Sam Developer” →');
    expect(blocks).toContain('“sam.dev@example.com” → “sam.d@example.com”');
    expect(blocks).not.toContain('<!here>');
    expect(blocks).toContain('user name does not change');
    expect(changesText(request({ changes }))).toMatch(/^: display name/);
  });

  it('leaves out a change of an unknown shape rather than trusting it', () => {
    expect(changesBlocks(request({ changes: [{ field: 'userName', from: 'a', to: 'b' }, 7] }))).toEqual([]);
    expect(changesText(request({}))).toBe('');
  });

  it('answers /access welcome with to whom it went and what it listed', () => {
    const msg = welcomeResentMessage({
      to: 'sam.dev@example.com',
      userName: 'sam.dev@example.com',
      displayName: 'Sam',
      messageId: 'm-1',
      groups: 1,
      assignments: 5,
    });
    expect(msg.text).toBe('Sent the welcome email again to sam.dev@example.com');
    expect(JSON.stringify(msg.blocks)).toContain('5 permission set × accounts, 1 group');
  });
});
