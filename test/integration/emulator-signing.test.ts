/**
 * The local Identity Center checks SigV4 as AWS does: every AWS request must be signed, for the API's signing name
 * and a region it answers in, by a key the emulator was told about, over the request as it arrived. What AWS
 * refuses is refused here with AWS's error, in each protocol's own encoding, so a client that forgot its
 * credentials or signs for the wrong region fails against the emulator as it would against AWS.
 */
import { ListUsersCommand as ListIamUsersCommand } from '@aws-sdk/client-iam';
import { ListUsersCommand } from '@aws-sdk/client-identitystore';
import { GetAccountCommand } from '@aws-sdk/client-sesv2';
import { ListInstancesCommand } from '@aws-sdk/client-sso-admin';
import { afterEach, describe, expect, it } from 'vitest';
import { exampleSeed, type Seed } from '../../src/emulator/seed.js';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/server.js';
import {
  alterAfterSigning,
  alterBeforeSigning,
  sdkClients,
  testCredentials,
} from '../support/aws-clients.js';
import { rawRequest } from '../support/raw-http.js';

const STORE = 'd-9067c0ffee';
const EXAMPLE_ORG_KEYS = { accessKeyId: 'AKIAEXAMPLEORG000000', secretAccessKey: 'example-org-not-a-secret' };
const WRONG_SECRET = { accessKeyId: testCredentials.accessKeyId, secretAccessKey: 'not-the-secret' };
const UNKNOWN_KEY = { accessKeyId: 'AKIANOBODYKNOWSTHIS0', secretAccessKey: 'whatever' };

let emu: RunningEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

async function emulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  emu = await startEmulator({ credentials: [testCredentials], rateLimits: false, ...options });
  return emu;
}

interface AwsError extends Error {
  $metadata: { httpStatusCode?: number };
}

async function rejection(p: Promise<unknown>): Promise<AwsError> {
  try {
    await p;
  } catch (error) {
    return error as AwsError;
  }
  throw new Error('expected the call to fail');
}

/** The error's name, HTTP status and message, as a person reads them in the SDK's exception. */
const seen = (error: AwsError) => ({
  name: error.name,
  status: error.$metadata.httpStatusCode,
  message: error.message,
});

describe('a request without a signature', () => {
  it('is refused with MissingAuthenticationTokenException, and nothing runs', async () => {
    const e = await emulator();
    const client = sdkClients(e.url).identitystore;
    alterAfterSigning(client, (request) => {
      delete request.headers.authorization;
    });
    const error = await rejection(client.send(new ListUsersCommand({ IdentityStoreId: STORE })));
    expect(seen(error)).toEqual({
      name: 'MissingAuthenticationTokenException',
      status: 400,
      message: 'Request is missing Authentication Token',
    });
    expect(e.calls).toEqual([]);
  });

  it('is refused by SES with 403 "Missing Authentication Token", as AWS’s REST front door answers', async () => {
    const e = await emulator();
    const answer = await rawRequest(`${e.url}/v2/email/account`, {
      headers: { host: `127.0.0.1:${e.port}` },
    });
    expect(answer.status).toBe(403);
    expect(answer.headers['x-amzn-errortype']).toBe('MissingAuthenticationTokenException');
    expect(JSON.parse(answer.text)).toEqual({ message: 'Missing Authentication Token' });
  });

  it('is refused by IAM in its own XML, with the code MissingAuthenticationToken', async () => {
    const e = await emulator();
    const answer = await rawRequest(e.url, {
      method: 'POST',
      headers: { host: `127.0.0.1:${e.port}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=ListUsers&Version=2010-05-08',
    });
    expect(answer.status).toBe(403);
    expect(answer.headers['content-type']).toBe('text/xml');
    expect(answer.text).toMatch(
      /<ErrorResponse xmlns="https:\/\/iam\.amazonaws\.com\/doc\/2010-05-08\/"><Error><Type>Sender<\/Type><Code>MissingAuthenticationToken<\/Code><Message>Request is missing Authentication Token<\/Message><\/Error><RequestId>[0-9a-f-]{36}<\/RequestId><\/ErrorResponse>/,
    );
    expect(e.calls).toEqual([]);
  });

  it('is refused with IncompleteSignatureException when the Authorization header lacks its parts', async () => {
    const e = await emulator();
    const answer = await rawRequest(e.url, {
      method: 'POST',
      headers: {
        host: `127.0.0.1:${e.port}`,
        'x-amz-target': 'AWSIdentityStore.ListUsers',
        'content-type': 'application/x-amz-json-1.1',
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKIAEMULATOR00000000/20261207/eu-west-1/identitystore/aws4_request',
      },
      body: JSON.stringify({ IdentityStoreId: STORE }),
    });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text)).toEqual({
      __type: 'com.amazon.coral.service#IncompleteSignatureException',
      message:
        "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. " +
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. " +
        'Authorization=AWS4-HMAC-SHA256 Credential=AKIAEMULATOR00000000/20261207/eu-west-1/identitystore/aws4_request',
    });
  });
});

describe('a signature for the wrong region or service', () => {
  it('is refused when signed for another region than the instance’s, naming the region', async () => {
    const e = await emulator();
    const { identitystore, ssoAdmin } = sdkClients(e.url, { region: 'us-west-2' });
    const error = await rejection(identitystore.send(new ListUsersCommand({ IdentityStoreId: STORE })));
    expect(seen(error)).toEqual({
      name: 'InvalidSignatureException',
      status: 400,
      message: "Credential should be scoped to a valid region, not 'us-west-2'. ",
    });
    await expect(ssoAdmin.send(new ListInstancesCommand({}))).rejects.toThrow(
      "Credential should be scoped to a valid region, not 'us-west-2'. ",
    );
    expect(e.calls).toEqual([]);
  });

  it('answers in the region the seed gives the instance', async () => {
    const e = await emulator({ seed: exampleSeedIn('eu-central-1') });
    expect(e.region).toBe('eu-central-1');
    const frankfurt = sdkClients(e.url, { region: 'eu-central-1' });
    expect((await frankfurt.ssoAdmin.send(new ListInstancesCommand({}))).Instances).toHaveLength(1);
    const ireland = sdkClients(e.url);
    const error = await rejection(ireland.ssoAdmin.send(new ListInstancesCommand({})));
    expect(error.message).toBe("Credential should be scoped to a valid region, not 'eu-west-1'. ");
  });

  it('is refused when signed for another service: an sso-admin signature on an identitystore request', async () => {
    const e = await emulator();
    const client = sdkClients(e.url).ssoAdmin;
    alterBeforeSigning(client, (request) => {
      request.headers['x-amz-target'] = 'AWSIdentityStore.ListUsers';
      request.body = JSON.stringify({ IdentityStoreId: STORE });
    });
    const error = await rejection(client.send(new ListInstancesCommand({})));
    expect(seen(error)).toEqual({
      name: 'InvalidSignatureException',
      status: 400,
      message: "Credential should be scoped to correct service: 'identitystore'. ",
    });
    expect(e.calls).toEqual([]);
  });

  it('takes SES in any region (email.region may differ from Identity Center’s) and IAM in us-east-1 too', async () => {
    const e = await emulator();
    const london = sdkClients(e.url, { region: 'eu-west-2' });
    expect((await london.ses.send(new GetAccountCommand({}))).SendingEnabled).toBe(true);
    const global = sdkClients(e.url, { region: 'us-east-1' });
    expect((await global.iam.send(new ListIamUsersCommand({}))).Users).toBeDefined();
    const ireland = sdkClients(e.url);
    expect((await ireland.iam.send(new ListIamUsersCommand({}))).Users).toBeDefined();
  });

  it('is refused by IAM with SignatureDoesNotMatch when signed for a region IAM does not answer in', async () => {
    const e = await emulator();
    const error = await rejection(
      sdkClients(e.url, { region: 'ap-southeast-2' }).iam.send(new ListIamUsersCommand({})),
    );
    expect(seen(error)).toEqual({
      name: 'SignatureDoesNotMatch',
      status: 403,
      message: "Credential should be scoped to a valid region, not 'ap-southeast-2'. ",
    });
  });
});

describe('a signature by a key the emulator does not accept', () => {
  it('is refused with InvalidSignatureException when the secret is wrong, showing what should have been signed', async () => {
    const e = await emulator();
    const error = await rejection(
      sdkClients(e.url, { credentials: WRONG_SECRET }).identitystore.send(
        new ListUsersCommand({ IdentityStoreId: STORE }),
      ),
    );
    expect(error.name).toBe('InvalidSignatureException');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.message).toMatch(
      /^The request signature we calculated does not match the signature you provided\. Check your AWS Secret Access Key and signing method\. Consult the service documentation for details\.\n\nThe Canonical String for this request should have been\n'POST\n\/\n\n/,
    );
    expect(error.message).toMatch(
      /\nThe String-to-Sign should have been\n'AWS4-HMAC-SHA256\n\d{8}T\d{6}Z\n\d{8}\/eu-west-1\/identitystore\/aws4_request\n[0-9a-f]{64}'\n$/,
    );
    expect(e.calls).toEqual([]);
  });

  it('is refused by SES (403 InvalidSignatureException) and IAM (SignatureDoesNotMatch) alike', async () => {
    const e = await emulator();
    const wrong = sdkClients(e.url, { credentials: WRONG_SECRET });
    const ses = await rejection(wrong.ses.send(new GetAccountCommand({})));
    expect([ses.name, ses.$metadata.httpStatusCode]).toEqual(['InvalidSignatureException', 403]);
    const iam = await rejection(wrong.iam.send(new ListIamUsersCommand({})));
    expect(seen(iam)).toEqual({
      name: 'SignatureDoesNotMatch',
      status: 403,
      message:
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    });
  });

  it('is refused when the body changed after it was signed', async () => {
    const e = await emulator();
    const client = sdkClients(e.url).identitystore;
    alterAfterSigning(client, (request) => {
      const text =
        typeof request.body === 'string'
          ? request.body
          : new TextDecoder().decode(request.body as Uint8Array);
      request.body = text.replace('d-9067c0ffee', 'd-9067c0ffef');
    });
    const error = await rejection(client.send(new ListUsersCommand({ IdentityStoreId: STORE })));
    expect(error.name).toBe('InvalidSignatureException');
    expect(e.calls).toEqual([]);
  });

  it('is refused with UnrecognizedClientException (IAM: InvalidClientTokenId) for a key it was not told about', async () => {
    const e = await emulator();
    const unknown = sdkClients(e.url, { credentials: UNKNOWN_KEY });
    const error = await rejection(
      unknown.identitystore.send(new ListUsersCommand({ IdentityStoreId: STORE })),
    );
    expect(seen(error)).toEqual({
      name: 'UnrecognizedClientException',
      status: 400,
      message: 'The security token included in the request is invalid.',
    });
    const iam = await rejection(unknown.iam.send(new ListIamUsersCommand({})));
    expect(seen(iam)).toEqual({
      name: 'InvalidClientTokenId',
      status: 403,
      message: 'The security token included in the request is invalid.',
    });
    expect(e.calls).toEqual([]);
  });

  it('refuses every key when none is declared', async () => {
    emu = await startEmulator({ rateLimits: false, seed: false });
    const error = await rejection(sdkClients(emu.url).ssoAdmin.send(new ListInstancesCommand({})));
    expect(error.name).toBe('UnrecognizedClientException');
  });

  it('refuses a declared session key whose session token is not the one declared', async () => {
    const session = { ...testCredentials, accessKeyId: 'ASIAEMULATOR00000000', sessionToken: 'the-token' };
    const e = await emulator({ credentials: [session] });
    const right = sdkClients(e.url, { credentials: session });
    expect((await right.ssoAdmin.send(new ListInstancesCommand({}))).Instances).toHaveLength(1);
    const stale = sdkClients(e.url, { credentials: { ...session, sessionToken: 'an-old-token' } });
    const error = await rejection(stale.ssoAdmin.send(new ListInstancesCommand({})));
    expect(error.name).toBe('UnrecognizedClientException');
  });
});

describe('a key the emulator accepts', () => {
  it('works with the real SDK clients over all three protocols, when declared in the options', async () => {
    const e = await emulator({ seed: true });
    const c = sdkClients(e.url);
    expect((await c.ssoAdmin.send(new ListInstancesCommand({}))).Instances).toHaveLength(1);
    const users = await c.identitystore.send(new ListUsersCommand({ IdentityStoreId: STORE }));
    expect(users.Users).toHaveLength(e.state.users.size);
    expect((await c.ses.send(new GetAccountCommand({}))).SendingEnabled).toBe(true);
    expect((await c.iam.send(new ListIamUsersCommand({}))).Users?.length).toBeGreaterThan(0);
  });

  it('works when declared in the seed: the example organisation’s pair, which a reset to another seed drops', async () => {
    emu = await startEmulator({ rateLimits: false });
    expect(emu.accessKeyIds).toEqual([EXAMPLE_ORG_KEYS.accessKeyId]);
    const c = sdkClients(emu.url, { credentials: EXAMPLE_ORG_KEYS });
    expect((await c.ssoAdmin.send(new ListInstancesCommand({}))).Instances).toHaveLength(1);
    emu.reset(exampleSeedIn('eu-west-1', []));
    await expect(c.ssoAdmin.send(new ListInstancesCommand({}))).rejects.toThrow(
      'The security token included in the request is invalid.',
    );
  });
});

describe('acceptAnyCredentials', () => {
  it('takes any key, but still refuses a wrong region, a wrong service and a declared key’s wrong secret', async () => {
    const e = await emulator({ acceptAnyCredentials: true });
    expect(e.acceptsAnyCredentials).toBe(true);
    const anyone = sdkClients(e.url, { credentials: UNKNOWN_KEY });
    expect((await anyone.ssoAdmin.send(new ListInstancesCommand({}))).Instances).toHaveLength(1);
    expect((await anyone.iam.send(new ListIamUsersCommand({}))).Users).toBeDefined();
    expect((await anyone.ses.send(new GetAccountCommand({}))).SendingEnabled).toBe(true);

    const elsewhere = sdkClients(e.url, { credentials: UNKNOWN_KEY, region: 'us-west-2' });
    const region = await rejection(
      elsewhere.identitystore.send(new ListUsersCommand({ IdentityStoreId: STORE })),
    );
    expect([region.name, region.message]).toEqual([
      'InvalidSignatureException',
      "Credential should be scoped to a valid region, not 'us-west-2'. ",
    ]);

    const crossed = sdkClients(e.url, { credentials: UNKNOWN_KEY }).ssoAdmin;
    alterBeforeSigning(crossed, (request) => {
      request.headers['x-amz-target'] = 'AWSIdentityStore.ListUsers';
    });
    const service = await rejection(crossed.send(new ListInstancesCommand({})));
    expect(service.message).toBe("Credential should be scoped to correct service: 'identitystore'. ");

    const wrong = await rejection(
      sdkClients(e.url, { credentials: WRONG_SECRET }).ssoAdmin.send(new ListInstancesCommand({})),
    );
    expect(wrong.name).toBe('InvalidSignatureException');

    const unsigned = sdkClients(e.url, { credentials: UNKNOWN_KEY }).ssoAdmin;
    alterAfterSigning(unsigned, (request) => {
      delete request.headers.authorization;
    });
    const missing = await rejection(unsigned.send(new ListInstancesCommand({})));
    expect(missing.name).toBe('MissingAuthenticationTokenException');
  });
});

/** The example organisation, in another region and with other key pairs. */
function exampleSeedIn(region: string, credentials = [testCredentials]): Seed {
  const seed = exampleSeed();
  return { ...seed, instance: { ...seed.instance, region }, credentials };
}
