/**
 * The sandbox driven through the console's HTTP API, without a browser: the local Slack console plays Slack
 * for the real bot (signed requests in, Web API calls out), over the emulator and SQLite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION, BLOCK } from '../../src/slack/ids.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox.js';
import { consoleClient, findElement, textOf, type ConsoleClient } from '../support/console-client.js';

const SAM = 'U0000SAM01';
/** Jay holds JuniorDeveloper on dev only, so Developer on dev is access he can ask for. */
const JAY = 'U0000JAY01';
const JAY_DM = 'D0000JAY01';
const LENA = 'U0000LEAD1';
const ADA = 'U0000ADMIN';
const GENERAL = 'C0000GENERAL';
const APPROVALS = 'C0000APPROV';

interface Org {
  users: { UserName: string }[];
  assignments: {
    account: string;
    accountId: string;
    permissionSet: string;
    principal: string;
    principalId: string;
  }[];
  sessions: { sessionId: string; userName: string; reason: string }[];
}
interface OpenedSession {
  ok: boolean;
  error?: string;
  session?: { sessionId: string; userName: string; account: string; permissionSet: string; allowed: boolean };
}
interface Email {
  to: string[];
  subject: string;
  text?: string;
  html?: string;
}

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

/** The card in the approvals channel whose text mentions `needle`, once it has an Approve button. */
async function cardWith(as: string, needle: string) {
  return api.waitFor(as, `an approval card mentioning ${needle}`, (state) =>
    state.conversations
      .find((c) => c.id === APPROVALS)
      ?.messages.find(
        (m) => textOf(m).includes(needle) && findElement(m.blocks, ACTION.approve) !== undefined,
      ),
  );
}

async function approve(
  as: string,
  card: { channel: string; ts: string; blocks?: Record<string, unknown>[] },
) {
  const button = findElement(card.blocks, ACTION.approve);
  expect(button).toBeDefined();
  const answer = await api.post<{ ok: boolean }>('/action', {
    as,
    channel: card.channel,
    ts: card.ts,
    blockId: button?.blockId,
    actionId: ACTION.approve,
  });
  expect(answer.body).toMatchObject({ ok: true });
}

describe('the sandbox console API', () => {
  it('lists the example people with their part in access-desk', async () => {
    const { body: people } =
      await api.get<{ id: string; roles: string[]; roleText: string; realName: string }[]>('/people');
    expect(people.find((p) => p.id === SAM)).toMatchObject({
      realName: 'Sam Developer',
      roles: ['requester'],
    });
    expect(people.find((p) => p.id === LENA)?.roles).toContain('lead');
    expect(people.find((p) => p.id === ADA)?.roles).toContain('admin');
    expect(people.find((p) => p.id === LENA)?.roleText).toContain('approves (leads)');
  });

  it('plays a request from the command to the grant: card, approval, direct message, AWS and whois', async () => {
    const sent = await api.post<{ ok: boolean }>('/command', {
      as: JAY,
      channel: GENERAL,
      text: '/access request Developer dev 2h console api story',
    });
    expect(sent.body).toMatchObject({ ok: true });

    const card = await cardWith(LENA, 'console api story');
    expect(card.html).toContain('Approve');

    await approve(LENA, card);
    const dm = await api.waitFor(JAY, 'the direct message saying Jay has Developer', (state) =>
      state.conversations
        .find((c) => c.id === JAY_DM)
        ?.messages.find((m) => m.text.startsWith('You now have Developer')),
    );
    expect(dm.ephemeral).toBe(false);

    const updated = (await api.messages(LENA, APPROVALS)).find((m) => m.ts === card.ts);
    expect(updated?.edited).toBe(true);
    expect(findElement(updated?.blocks, ACTION.approve)).toBeUndefined();

    const { body: org } = await api.get<Org>('/org');
    expect(org.assignments).toContainEqual(
      expect.objectContaining({
        account: 'dev',
        permissionSet: 'Developer',
        principal: 'jay.junior@example.com',
      }),
    );

    await api.post('/command', { as: JAY, channel: GENERAL, text: 'whois' });
    const whois = await api.waitFor(JAY, 'the whois answer', (state) =>
      state.conversations
        .find((c) => c.id === GENERAL)
        ?.messages.find((m) => m.ephemeral && textOf(m).includes('grant')),
    );
    expect(textOf(whois)).toContain('Developer');
    // Ephemeral answers are Jay's alone.
    const lenaSees = await api.messages(LENA, GENERAL);
    expect(lenaSees.find((m) => m.ts === whois.ts)).toBeUndefined();
  });

  it('onboards a new starter through the modal, shows field errors, and the welcome email reaches the mailbox', async () => {
    await api.post('/command', { as: ADA, channel: GENERAL, text: 'onboard' });
    const modal = await api.waitFor(ADA, 'the onboarding modal', (state) => state.modal ?? undefined);
    expect(modal.html).toContain('Work email');

    const values = (email: string) => ({
      [BLOCK.email]: { [ACTION.typeEmail]: { type: 'plain_text_input', value: email } },
      [BLOCK.givenName]: { [ACTION.typeGivenName]: { type: 'plain_text_input', value: 'Nina' } },
      [BLOCK.familyName]: { [ACTION.typeFamilyName]: { type: 'plain_text_input', value: 'New' } },
      [BLOCK.displayName]: { [ACTION.typeDisplayName]: { type: 'plain_text_input', value: null } },
      [BLOCK.role]: {
        [ACTION.pickRole]: {
          type: findElement(modal.view.blocks as Record<string, unknown>[], ACTION.pickRole)?.element.type,
          selected_option: { text: { type: 'plain_text', text: 'developer' }, value: 'developer' },
        },
      },
      [BLOCK.note]: { [ACTION.typeNote]: { type: 'plain_text_input', value: 'starts Monday' } },
    });

    const refused = await api.post<{ ok: boolean; errors?: Record<string, string> }>('/submit', {
      as: ADA,
      viewId: modal.id,
      values: values('nina at example'),
    });
    expect(refused.body.errors?.[BLOCK.email]).toBeDefined();
    const stillOpen = await api.state(ADA);
    expect(stillOpen.modal?.id).toBe(modal.id);
    expect(stillOpen.modal?.html).toContain(refused.body.errors?.[BLOCK.email]?.split(' ')[0] ?? '');

    const accepted = await api.post<{ ok: boolean; errors?: unknown }>('/submit', {
      as: ADA,
      viewId: modal.id,
      values: values('nina.new@example.com'),
    });
    expect(accepted.body).toMatchObject({ ok: true });
    expect(accepted.body.errors).toBeUndefined();

    const card = await cardWith(LENA, 'nina.new@example.com');
    await approve(LENA, card);

    const emails = await waitForMail('nina.new@example.com');
    expect(emails[0]?.subject).toBe('Your AWS access at Example Ltd');
    expect(emails[0]?.html).toContain('<html');
    const { body: org } = await api.get<Org>('/org');
    expect(org.users.map((u) => u.UserName)).toContain('nina.new@example.com');
  });

  it('runs the audit for an admin, typed in #general, and shares the CSV in her DM, never in #general', async () => {
    await api.post('/command', { as: ADA, channel: GENERAL, text: 'audit' });
    const shared = await api.waitFor(ADA, 'the audit CSV shared in Ada’s DM with the bot', (state) =>
      state.conversations.find((c) => c.kind === 'im')?.messages.find((m) => (m.files ?? []).length > 0),
    );
    const file = shared.files?.[0];
    expect(file?.name).toMatch(/\.csv$/);
    const download = await fetch(`${sandbox.url}/console/api/files/${file?.id ?? ''}`);
    expect(download.headers.get('content-type')).toContain('text/csv');
    const csv = await download.text();
    expect(csv.split('\n')[0]).toContain(',');
    expect(csv).toContain('sam.dev@example.com');
    // #general, where it was typed, holds no file and no message naming anyone's access; Sam sees nothing.
    const { body: samView } = await api.get<{
      conversations: { id: string; messages: { files?: unknown[]; text: string }[] }[];
    }>(`/state?as=${SAM}`);
    const general = samView.conversations.find((c) => c.id === GENERAL);
    expect(general?.messages.filter((m) => (m.files ?? []).length > 0)).toEqual([]);
    expect(JSON.stringify(general?.messages ?? [])).not.toContain('sam.dev@example.com');
  });

  it('turns a typed @mention into the Slack user it names, as Slack does for the app', async () => {
    await api.post('/command', { as: LENA, channel: GENERAL, text: '/access whois @sam.dev' });
    const answer = await api.waitFor(LENA, 'whois about Sam', (state) =>
      state.conversations
        .find((c) => c.id === GENERAL)
        ?.messages.find((m) => m.ephemeral && textOf(m).includes('sam.dev@example.com')),
    );
    expect(answer.html).toContain('Sam Developer');
  });

  it('answers a request for someone who is not in the sandbox with a message naming the people', async () => {
    const answer = await api.post<{ ok: boolean; error: string }>('/command', {
      as: 'U0000NOBODY',
      channel: GENERAL,
      text: 'help',
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toContain('U0000SAM01');
  });

  it('refuses a Web API call with a wrong token as Slack does', async () => {
    const response = await fetch(`${sandbox.url}/api/chat.postMessage`, {
      method: 'POST',
      headers: { authorization: 'Bearer xoxb-forged', 'content-type': 'application/json' },
      body: JSON.stringify({ channel: GENERAL, text: 'forged' }),
    });
    expect(await response.json()).toEqual({ ok: false, error: 'invalid_auth' });
    expect((await api.messages(SAM, GENERAL)).some((m) => m.text === 'forged')).toBe(false);
  });

  it('passes the bot’s health and readiness through', async () => {
    expect((await fetch(`${sandbox.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${sandbox.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ok: true });
  });

  it('opens a session in the organisation for someone who holds the assignment, and refuses one for someone who does not', async () => {
    const { body: before } = await api.get<Org>('/org');
    const sam = before.assignments.find(
      (a) => a.principal === 'sam.dev@example.com' && a.account === 'dev' && a.permissionSet === 'Developer',
    );
    expect(sam).toBeDefined();
    const opened = await api.post<OpenedSession>('/sessions', {
      userId: sam?.principalId,
      permissionSetName: 'Developer',
      accountId: sam?.accountId,
    });
    expect(opened.status).toBe(200);
    expect(opened.body).toMatchObject({
      ok: true,
      session: { userName: 'sam.dev@example.com', account: 'dev', permissionSet: 'Developer', allowed: true },
    });
    const { body: after } = await api.get<Org>('/org');
    expect(after.sessions).toContainEqual(
      expect.objectContaining({ sessionId: opened.body.session?.sessionId, reason: 'open' }),
    );

    const refused = await api.post<OpenedSession>('/sessions', {
      userName: 'jay.junior@example.com',
      permissionSetName: 'Developer',
      accountId: 'prod',
    });
    expect(refused.status).toBe(400);
    expect(refused.body.ok).toBe(false);
    expect(refused.body.error).toContain('jay.junior@example.com holds no assignment of Developer on prod');
  });

  it('starts over on Reset: no messages, no emails, the organisation as seeded', async () => {
    const reset = await api.post<{ ok: boolean }>('/reset', {});
    expect(reset.body).toEqual({ ok: true });
    const state = await api.state(SAM);
    expect(state.conversations.every((c) => c.messages.length === 0)).toBe(true);
    expect((await api.get<Email[]>('/mailbox')).body).toEqual([]);
    const { body: org } = await api.get<Org>('/org');
    expect(org.users.map((u) => u.UserName)).not.toContain('nina.new@example.com');
    expect(org.assignments.some((a) => a.principal === 'sam.dev@example.com' && a.account === 'dev')).toBe(
      true,
    );
    expect(org.sessions).toEqual([]);

    // And the bot works again after the reset.
    await api.post('/command', { as: SAM, channel: GENERAL, text: 'help' });
    await api.waitFor(SAM, 'the help answer after reset', (s) =>
      s.conversations.find((c) => c.id === GENERAL)?.messages.find((m) => m.ephemeral),
    );
  });
});

async function waitForMail(to: string): Promise<Email[]> {
  for (let i = 0; i < 400; i += 1) {
    const { body } = await api.get<Email[]>('/mailbox');
    const found = body.filter((e) => e.to.includes(to));
    if (found.length > 0) return found;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no email to ${to} arrived`);
}
