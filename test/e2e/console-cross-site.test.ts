/**
 * The local Slack console against what a web page could send it: another site's page posting text or a form (no
 * preflight needed), a page with its own Origin, or a page reaching it through DNS rebinding (a foreign Host). Only
 * the console's own page, on a loopback name, sending JSON, may act; and nothing the console hands the bot can be
 * guessed from another.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/sandbox.js';
import { consoleClient, type ConsoleClient } from '../support/console-client.js';
import { rawRequest } from '../support/raw-http.js';

const JAY = 'U0000JAY01';
const GENERAL = 'C0000GENERAL';

let sandbox: RunningSandbox;
let api: ConsoleClient;
let port: number;

beforeAll(async () => {
  sandbox = await startSandbox({
    port: 0,
    emulatorPort: 0,
    databasePath: ':memory:',
    latencyMs: 0,
    provisioningDelayMs: 30,
  });
  api = consoleClient(sandbox.url);
  port = Number(new URL(sandbox.url).port);
});

afterAll(async () => {
  await sandbox?.stop();
});

const requests = async () => (await sandbox.desk()?.ledger.findRequests({}))?.length ?? 0;
const webApiCalls = async () => (await api.get<unknown[]>('/calls')).body.length;
const command = JSON.stringify({ as: JAY, channel: GENERAL, text: 'request Developer dev 2h forged' });

describe('the console refuses what another site’s page can send', () => {
  it('refuses a text/plain POST to /console/api/command with 415 naming the problem, and runs nothing', async () => {
    const [before, calls] = [await requests(), await webApiCalls()];
    const answer = await rawRequest(`${sandbox.url}/console/api/command`, {
      method: 'POST',
      headers: { host: `localhost:${port}`, 'content-type': 'text/plain;charset=UTF-8' },
      body: command,
    });
    expect(answer.status).toBe(415);
    const body = JSON.parse(answer.text) as { ok: boolean; error: string };
    expect(body.ok).toBe(false);
    expect(body.error).toMatch(
      /POST to \/console\/api\/command must have Content-Type: application\/json, not "text\/plain"/,
    );
    expect(await requests()).toBe(before);
    expect(await webApiCalls()).toBe(calls);
  });

  it('refuses a form POST to /console/api/reset, and a POST with no Content-Type, keeping everything', async () => {
    await api.post('/command', { as: JAY, channel: GENERAL, text: 'help' });
    const shown = await api.waitFor(JAY, 'the answer to help', (state) => {
      const n = state.conversations.find((c) => c.id === GENERAL)?.messages.length ?? 0;
      return n > 0 ? n : undefined;
    });
    const form = await rawRequest(`${sandbox.url}/console/api/reset`, {
      method: 'POST',
      headers: { host: `127.0.0.1:${port}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=b',
    });
    expect(form.status).toBe(415);
    const bare = await rawRequest(`${sandbox.url}/console/api/reset`, {
      method: 'POST',
      headers: { host: `127.0.0.1:${port}` },
    });
    expect(bare.status).toBe(415);
    expect((await api.messages(JAY, GENERAL)).length).toBe(shown);
  });

  it('refuses a JSON command from a page on another site (its Origin) with 403, and runs nothing', async () => {
    const before = await requests();
    const answer = await rawRequest(`${sandbox.url}/console/api/command`, {
      method: 'POST',
      headers: {
        host: `localhost:${port}`,
        origin: 'https://evil.example',
        'content-type': 'application/json',
      },
      body: command,
    });
    expect(answer.status).toBe(403);
    expect(answer.text).toContain('https://evil.example');
    expect(await requests()).toBe(before);
  });

  it('takes a JSON command from its own page, on each loopback name', async () => {
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]) {
      const answer = await rawRequest(`${sandbox.url}/console/api/command`, {
        method: 'POST',
        headers: { host, origin: `http://${host}`, 'content-type': 'application/json' },
        body: JSON.stringify({ as: JAY, channel: GENERAL, text: 'help' }),
      });
      expect(answer.status).toBe(200);
    }
  });
});

describe('DNS rebinding', () => {
  it('refuses a request for Host evil.example with 403, the page, the state and the commands alike', async () => {
    const before = await requests();
    const page = await rawRequest(`${sandbox.url}/`, { headers: { host: `evil.example:${port}` } });
    expect(page.status).toBe(403);
    expect(page.text).not.toContain('<html');
    expect(JSON.parse(page.text)).toMatchObject({ ok: false });
    expect(page.text).toContain('ALLOWED_HOSTS');
    const state = await rawRequest(`${sandbox.url}/console/api/state?as=${JAY}`, {
      headers: { host: 'evil.example' },
    });
    expect(state.status).toBe(403);
    const acted = await rawRequest(`${sandbox.url}/console/api/command`, {
      method: 'POST',
      headers: { host: `evil.example:${port}`, 'content-type': 'application/json' },
      body: command,
    });
    expect(acted.status).toBe(403);
    expect(await requests()).toBe(before);
  });
});

describe('what the console hands the bot', () => {
  it('answers a guessed response URL or upload URL with 404, posting and storing nothing', async () => {
    for (const guess of ['R0000000001', 'R0000000002', 'T0000TEAM/1']) {
      const answer = await rawRequest(`${sandbox.url}/response/${guess}`, {
        method: 'POST',
        headers: { host: `127.0.0.1:${port}`, 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'forged', response_type: 'in_channel' }),
      });
      expect(answer.status).toBe(404);
    }
    const upload = await rawRequest(`${sandbox.url}/upload/F0000000001`, {
      method: 'POST',
      headers: { host: `127.0.0.1:${port}`, 'content-type': 'text/csv' },
      body: 'forged',
    });
    expect(upload.status).toBe(404);
    expect((await api.messages(JAY, GENERAL)).some((m) => m.text === 'forged')).toBe(false);
  });
});
