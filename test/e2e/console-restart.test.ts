/**
 * The sandbox survives a restart as a whole: the bot's ledger, the emulated organisation its records name, and
 * the console's messages. What cannot be read back makes it start over, and say so.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/sandbox.js';
import { ACTION } from '../../src/slack/ids.js';
import { consoleClient, findElement, textOf } from '../support/console-client.js';

const JAY = 'U0000JAY01';
const LENA = 'U0000LEAD1';
const GENERAL = 'C0000GENERAL';
const APPROVALS = 'C0000APPROV';

interface Org {
  users: { UserName: string; UserId: string }[];
  assignments: { account: string; permissionSet: string; principal: string; principalId: string }[];
}

const dir = mkdtempSync(join(tmpdir(), 'access-desk-sandbox-'));
const databasePath = join(dir, 'access-desk.sqlite');
let running: RunningSandbox | undefined;

const start = async () => {
  running = await startSandbox({
    port: 0,
    emulatorPort: 0,
    databasePath,
    latencyMs: 0,
    provisioningDelayMs: 30,
  });
  return { sandbox: running, api: consoleClient(running.url) };
};

afterAll(async () => {
  await running?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const jaysDevAccess = (org: Org) =>
  org.assignments.find(
    (a) => a.principal === 'jay.junior@example.com' && a.account === 'dev' && a.permissionSet === 'Developer',
  );

describe('the sandbox across a restart', () => {
  it('keeps the grant, the organisation it names and the messages; and revoking after the restart ends the access in AWS', async () => {
    const first = await start();
    await first.api.post('/command', {
      as: JAY,
      channel: GENERAL,
      text: 'request Developer dev 2h restart story',
    });
    const card = await first.api.waitFor(LENA, 'the card', (s) =>
      s.conversations
        .find((c) => c.id === APPROVALS)
        ?.messages.find((m) => textOf(m).includes('restart story') && findElement(m.blocks, ACTION.approve)),
    );
    await first.api.post('/action', {
      as: LENA,
      channel: card.channel,
      ts: card.ts,
      blockId: findElement(card.blocks, ACTION.approve)?.blockId,
      actionId: ACTION.approve,
    });
    await first.api.waitFor(JAY, 'the granted message', (s) =>
      s.conversations.flatMap((c) => c.messages).find((m) => m.text.startsWith('You now have Developer')),
    );
    const before = (await first.api.get<Org>('/org')).body;
    await first.sandbox.stop();
    running = undefined;

    const second = await start();
    expect(second.sandbox.summary).not.toContain('started over');
    const after = (await second.api.get<Org>('/org')).body;
    expect(jaysDevAccess(after)?.principalId).toBe(jaysDevAccess(before)?.principalId);
    const messages = (await second.api.state(JAY)).conversations.flatMap((c) => c.messages);
    expect(messages.some((m) => m.text.startsWith('You now have Developer'))).toBe(true);

    await second.api.post('/command', { as: JAY, channel: GENERAL, text: 'revoke Developer dev' });
    let gone = false;
    for (let i = 0; i < 400 && !gone; i += 1) {
      gone = jaysDevAccess((await second.api.get<Org>('/org')).body) === undefined;
      if (!gone) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(gone).toBe(true);
    await second.sandbox.stop();
    running = undefined;
  });

  it('starts over, and says so, when the saved organisation cannot be read', async () => {
    writeFileSync(join(dir, 'organisation.json'), '{"format": "something else"}');
    const { sandbox, api } = await start();
    expect(sandbox.summary).toContain('could not be read');
    expect(sandbox.summary).toContain('started over');
    const org = (await api.get<Org>('/org')).body;
    expect(jaysDevAccess(org)).toBeUndefined();
    const messages = (await api.state(JAY)).conversations.flatMap((c) => c.messages);
    expect(messages).toEqual([]);
  });
});
