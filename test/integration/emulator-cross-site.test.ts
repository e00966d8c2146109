/**
 * The local Identity Center against what a web page could send it: another site's page posting text or a form
 * (no preflight needed), or a page reaching it through DNS rebinding (a foreign Host). The control endpoint takes
 * only a declared JSON (or, for a seed, YAML) body; the AWS protocols only what the SDKs send (a SigV4
 * signature, which no page can add without a preflight); and the real SDK clients keep working.
 */
import { ListUsersCommand } from '@aws-sdk/client-identitystore';
import { ListUsersCommand as ListIamUsersCommand } from '@aws-sdk/client-iam';
import { GetAccountCommand } from '@aws-sdk/client-sesv2';
import { ListInstancesCommand } from '@aws-sdk/client-sso-admin';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { sdkClients, testCredentials } from '../support/aws-clients.js';
import { rawRequest } from '../support/raw-http.js';

let emu: RunningEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

const loopback = (e: RunningEmulator) => `127.0.0.1:${e.port}`;

describe('the control endpoint refuses what another site’s page can send', () => {
  it('refuses a text/plain POST to /_emulator/reset with 415 naming the problem, and resets nothing', async () => {
    emu = await startEmulator({ credentials: [testCredentials], rateLimits: false });
    emu.state.users.clear();
    const answer = await rawRequest(`${emu.url}/_emulator/reset`, {
      method: 'POST',
      headers: { host: loopback(emu), 'content-type': 'text/plain;charset=UTF-8' },
      body: '',
    });
    expect(answer.status).toBe(415);
    expect((JSON.parse(answer.text) as { message: string }).message).toMatch(
      /POST to \/_emulator\/reset must have Content-Type: application\/json or application\/yaml.*not "text\/plain"/,
    );
    expect(emu.state.users.size).toBe(0);
  });

  it('refuses a form PATCH of the faults and a body-less DELETE of the mailbox, changing nothing', async () => {
    emu = await startEmulator({ credentials: [testCredentials], rateLimits: false });
    const patch = await rawRequest(`${emu.url}/_emulator/faults`, {
      method: 'PATCH',
      headers: { host: loopback(emu), 'content-type': 'application/x-www-form-urlencoded' },
      body: '{"latencyMs":5000}',
    });
    expect(patch.status).toBe(415);
    expect(emu.faults.latencyMs).toBe(0);
    emu.state.mailbox.push({ MessageId: 'kept' } as never);
    const del = await rawRequest(`${emu.url}/_emulator/mailbox`, {
      method: 'DELETE',
      headers: { host: loopback(emu) },
    });
    expect(del.status).toBe(415);
    expect(emu.state.mailbox).toHaveLength(1);
  });

  it('refuses a JSON request from a page on another site (its Origin), changing nothing', async () => {
    emu = await startEmulator({ credentials: [testCredentials], rateLimits: false });
    const answer = await rawRequest(`${emu.url}/_emulator/faults`, {
      method: 'PATCH',
      headers: {
        host: loopback(emu),
        origin: 'https://evil.example',
        'content-type': 'application/json',
      },
      body: '{"latencyMs":5000}',
    });
    expect(answer.status).toBe(403);
    expect(answer.text).toContain('https://evil.example');
    expect(emu.faults.latencyMs).toBe(0);
  });

  it('resets with a declared JSON body, and to a posted YAML seed', async () => {
    emu = await startEmulator({ credentials: [testCredentials], rateLimits: false });
    emu.state.users.clear();
    const json = await fetch(`${emu.url}/_emulator/reset`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(json.status).toBe(200);
    expect(emu.state.users.size).toBeGreaterThanOrEqual(20);
    const yaml = await fetch(`${emu.url}/_emulator/reset`, {
      method: 'POST',
      headers: { 'content-type': 'application/yaml' },
      body: 'users:\n  - { userName: a@example.com, givenName: A, familyName: B }\n',
    });
    expect(yaml.status).toBe(200);
    expect([...emu.state.users.values()].map((u) => u.UserName)).toEqual(['a@example.com']);
  });
});

describe('the AWS protocols take only what an SDK sends', () => {
  it('refuses an unsigned IAM form post (what any web page can send) with 403, and runs no IAM operation', async () => {
    emu = await startEmulator({ credentials: [testCredentials], rateLimits: false });
    const answer = await rawRequest(emu.url, {
      method: 'POST',
      headers: { host: loopback(emu), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=DeleteLoginProfile&UserName=kim.leaver%40example.com&Version=2010-05-08',
    });
    expect(answer.status).toBe(403);
    expect(answer.text).toContain('<Code>MissingAuthenticationToken</Code>');
    expect(emu.calls.filter((c) => c.service === 'iam')).toEqual([]);
  });

  it('refuses an unsigned text/plain SES send, and sends nothing', async () => {
    emu = await startEmulator({ credentials: [testCredentials], rateLimits: false });
    const answer = await rawRequest(`${emu.url}/v2/email/outbound-emails`, {
      method: 'POST',
      headers: { host: loopback(emu), 'content-type': 'text/plain' },
      body: JSON.stringify({
        FromEmailAddress: 'access-desk@example.com',
        Destination: { ToAddresses: ['someone@example.com'] },
        Content: { Simple: { Subject: { Data: 'x' }, Body: { Text: { Data: 'x' } } } },
      }),
    });
    expect(answer.status).toBe(403);
    expect(emu.state.mailbox).toEqual([]);
  });

  it('keeps answering the real SDK clients over all three protocols', async () => {
    emu = await startEmulator({ credentials: [testCredentials], rateLimits: false });
    const c = sdkClients(emu.url);
    const instances = await c.ssoAdmin.send(new ListInstancesCommand({}));
    expect(instances.Instances?.length).toBe(1);
    const users = await c.identitystore.send(
      new ListUsersCommand({ IdentityStoreId: instances.Instances?.[0]?.IdentityStoreId }),
    );
    expect(users.Users?.length).toBeGreaterThan(0);
    const iamUsers = await c.iam.send(new ListIamUsersCommand({}));
    expect(iamUsers.Users?.length).toBeGreaterThan(0);
    const account = await c.ses.send(new GetAccountCommand({}));
    expect(account.SendingEnabled).toBeDefined();
  });
});

describe('DNS rebinding', () => {
  it('refuses a request for Host evil.example, at the control endpoint and at AWS’s alike', async () => {
    emu = await startEmulator({ credentials: [testCredentials], rateLimits: false });
    const state = await rawRequest(`${emu.url}/_emulator/state`, { headers: { host: 'evil.example:4566' } });
    expect(state.status).toBe(403);
    expect(state.text).toContain('Host \\"evil.example:4566\\"');
    expect(state.text).not.toContain('ada.admin');
    const aws = await rawRequest(emu.url, {
      method: 'POST',
      headers: {
        host: 'evil.example',
        'x-amz-target': 'SWBExternalService.ListInstances',
        'content-type': 'application/x-amz-json-1.1',
      },
      body: '{}',
    });
    expect(aws.status).toBe(403);
    expect(emu.calls).toEqual([]);
  });

  it('answers a name listed in its allowed hosts (ALLOWED_HOSTS), and only that one', async () => {
    emu = await startEmulator({
      credentials: [testCredentials],
      rateLimits: false,
      allowedHosts: ['emulator.lan'],
    });
    const listed = await rawRequest(`${emu.url}/_emulator/health`, {
      headers: { host: `emulator.lan:${emu.port}` },
    });
    expect(listed.status).toBe(200);
    const other = await rawRequest(`${emu.url}/_emulator/health`, { headers: { host: 'other.lan' } });
    expect(other.status).toBe(403);
  });
});
