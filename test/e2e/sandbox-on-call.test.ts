/**
 * `npm start` without credentials: the sandbox answers for PagerDuty itself (src/pagerduty/stand-in.ts), with
 * Omar on call in the example's production schedule, so his ProductionSupport request is granted at once while
 * Jay's goes to the leads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION } from '../../src/slack/ids.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox.js';
import { consoleClient, findElement, textOf, type ConsoleClient } from '../support/console-client.js';

const OMAR = 'U0000OMAR1';
const JAY = 'U0000JAY01';
const LENA = 'U0000LEAD1';
const GENERAL = 'C0000GENERAL';
const APPROVALS = 'C0000APPROV';

let sandbox: RunningSandbox;
let api: ConsoleClient;

beforeAll(async () => {
  sandbox = await startSandbox({
    port: 0,
    emulatorPort: 0,
    databasePath: ':memory:',
    latencyMs: 0,
    provisioningDelayMs: 30,
  });
  api = consoleClient(sandbox.url);
});

afterAll(async () => {
  await sandbox?.stop();
});

describe('on call in the sandbox', () => {
  it('sends the request of someone not on call to the leads', async () => {
    await api.post('/command', {
      as: JAY,
      channel: GENERAL,
      text: '/access request ProductionSupport staging 1h jay checks the deploy',
    });
    const card = await api.waitFor(LENA, 'the card for Jay', (state) =>
      state.conversations
        .find((c) => c.id === APPROVALS)
        ?.messages.find((m) => textOf(m).includes('jay checks the deploy')),
    );
    expect(findElement(card.blocks, ACTION.approve)).toBeDefined();
    expect(textOf(card)).not.toContain('on call now');
  });

  it('grants Omar ProductionSupport at once: PagerDuty’s stand-in has him on call', async () => {
    expect(sandbox.summary).toContain('PagerDuty stand-in');
    await api.post('/command', {
      as: OMAR,
      channel: GENERAL,
      text: '/access request ProductionSupport staging 1h omar checks the deploy',
    });
    const answer = await api.waitFor(OMAR, 'the answer to Omar', (state) =>
      state.conversations
        .find((c) => c.id === GENERAL)
        ?.messages.find((m) => m.ephemeral && textOf(m).includes('on call now')),
    );
    expect(textOf(answer)).toContain('production');
    type Org = { assignments: { account: string; permissionSet: string; principal: string }[] };
    const holds = async (): Promise<boolean> => {
      const { body: org } = await api.get<Org>('/org');
      return org.assignments.some(
        (a) =>
          a.account === 'staging' &&
          a.permissionSet === 'ProductionSupport' &&
          a.principal === 'omar.oncall@example.com',
      );
    };
    let held = false;
    for (let i = 0; i < 400 && !held; i += 1) {
      held = await holds();
      if (!held) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(held).toBe(true);
  });
});
