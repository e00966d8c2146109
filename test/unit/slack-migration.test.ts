import { describe, expect, it } from 'vitest';
import type { LegacyMigrationRecord } from '../../src/access/migration-api.js';
import type { RequestRecord } from '../../src/access/ledger.js';
import { legacyRemovalFacts } from '../../src/slack/blocks/legacy-removal-facts.js';
import {
  migrationAnswer,
  migrationHelpMessage,
  migrationPersonMessage,
  waitingMigrationsMessage,
} from '../../src/slack/blocks/migration.js';
import { ACTION } from '../../src/slack/ids.js';
import { migrationOfClick } from '../../src/slack/migration-click.js';

const AT = new Date('2026-12-08T09:00:00Z');
const migration = (patch: Partial<LegacyMigrationRecord> = {}): LegacyMigrationRecord => ({
  id: 'M-7K2Q9D3F',
  clickId: null,
  email: 'bruno.costa@example.com',
  userId: 'user-1',
  userName: 'bruno.costa@example.com',
  displayName: 'Bruno Costa',
  slackUserId: 'U0000BRUNO',
  iamUserName: 'bruno.costa@example.com',
  startedBy: 'U0000ADMIN',
  startedAt: AT,
  confirmBy: new Date('2026-12-22T09:00:00Z'),
  emailedAt: AT,
  messageId: 'ses-1',
  emailFailure: null,
  dm: { channel: 'D0000BRUNO', ts: '1700000001.000100' },
  confirmedBy: null,
  confirmedAt: null,
  helpAskedBy: null,
  helpAskedAt: null,
  helpToldAt: null,
  removalRequestId: null,
  ...patch,
});

const allText = (value: unknown): string => JSON.stringify(value);

describe('a press of a migration button', () => {
  const blocks = migrationPersonMessage(migration()).blocks;
  const button = (actionId: string, value: string, blockId = `migration:${value}`) => ({
    action_id: actionId,
    value,
    block_id: blockId,
  });
  const body = (msgBlocks: unknown[] = blocks) => ({
    message: { ts: '1700000001.000100', blocks: msgBlocks },
    container: { channel_id: 'D0000BRUNO', message_ts: '1700000001.000100' },
  });

  it('acts on the migration its block names, on the message it was pressed on', () => {
    expect(migrationOfClick(body(), button(ACTION.migrationConfirm, 'M-7K2Q9D3F'))).toEqual({
      migrationId: 'M-7K2Q9D3F',
      kind: 'confirm',
      message: { channel: 'D0000BRUNO', ts: '1700000001.000100' },
    });
    expect(migrationOfClick(body(), button(ACTION.migrationHelp, 'M-7K2Q9D3F'))?.kind).toBe('help');
  });

  it.each([
    [
      'a value naming another migration than its block',
      button(ACTION.migrationConfirm, 'M-OTHER000', 'migration:M-7K2Q9D3F'),
    ],
    [
      'a value and block both naming another migration than the message holds',
      button(ACTION.migrationConfirm, 'M-OTHER000'),
    ],
    ['a value that is not a migration id', button(ACTION.migrationConfirm, 'R-7K2Q9D3F')],
    ['another action', button(ACTION.approve, 'M-7K2Q9D3F')],
  ])('acts on nothing for %s', (_what, pressed) => {
    expect(migrationOfClick(body(), pressed)).toBeUndefined();
  });
});

describe('the person’s migration message', () => {
  it('carries both buttons, with the migration id alone, until they confirm', () => {
    const msg = migrationPersonMessage(migration());
    const text = allText(msg.blocks);
    expect(text).toContain(ACTION.migrationConfirm);
    expect(text).toContain(ACTION.migrationHelp);
    expect(text).toContain('"value":"M-7K2Q9D3F"');
    expect(text).toContain('Only you can answer this');
  });

  it('says they asked for help, and keeps the buttons', () => {
    const text = allText(
      migrationPersonMessage(migration({ helpAskedBy: 'U0000BRUNO', helpAskedAt: AT })).blocks,
    );
    expect(text).toContain('You asked for help');
    expect(text).toContain(ACTION.migrationConfirm);
  });

  it('loses its buttons once they confirmed, and says what follows', () => {
    const removal = { id: 'R-REMOVE01', status: 'pending' } as RequestRecord;
    const msg = migrationPersonMessage(migration({ confirmedBy: 'U0000BRUNO', confirmedAt: AT }), removal);
    expect(allText(msg.blocks)).not.toContain(ACTION.migrationConfirm);
    expect(allText(msg.blocks)).toContain('R-REMOVE01 asks the admins to remove your old IAM user');
  });

  it('escapes the names it shows, so a display name cannot ping a channel', () => {
    const text = allText(migrationPersonMessage(migration({ displayName: '<!channel> @here' })).blocks);
    expect(text).not.toContain('<!channel>');
    expect(allText(migrationHelpMessage(migration({ displayName: '<!channel>' })).blocks)).not.toContain(
      '<!channel>',
    );
  });
});

describe('the answers and the list', () => {
  it('a refusal says why', () => {
    const msg = migrationAnswer({
      ok: false,
      code: 'not_yours',
      message: 'Only <@U0000BRUNO> can answer this',
    });
    expect(msg.text).toBe('Only <@U0000BRUNO> can answer this');
  });

  it('an empty list says nobody is waiting and how to start', () => {
    expect(allText(waitingMigrationsMessage([]).blocks)).toContain('Nobody is waiting');
    expect(allText(waitingMigrationsMessage([]).blocks)).toContain('/access migrate <email|@user>');
  });

  it('a removal card names who confirmed, or who overrode and why', () => {
    const request = (details: Record<string, unknown>) =>
      ({
        kind: 'legacy_removal',
        details: { legacyIamUserName: 'old.user', ...details },
      }) as unknown as RequestRecord;
    expect(legacyRemovalFacts(request({ confirmedBy: 'U0000BRUNO' }))).toEqual([
      '*Legacy IAM user*\n`old.user`',
      '*Confirmed by*\n<@U0000BRUNO>: single sign-on works for them',
    ]);
    const facts = legacyRemovalFacts(
      request({ override: { bySlackId: 'U0000ADMIN', reason: 'left <!here>' } }),
    );
    expect(facts[1]).toContain("removed on <@U0000ADMIN>'s word");
    expect(facts[1]).not.toContain('<!here>');
    expect(legacyRemovalFacts({ kind: 'onboard', details: {} } as unknown as RequestRecord)).toEqual([]);
  });
});
