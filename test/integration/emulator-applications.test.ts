import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CreateApplicationAssignmentCommand,
  DeleteApplicationAssignmentCommand,
  DescribeApplicationAssignmentCommand,
  DescribeApplicationCommand,
  ListApplicationAssignmentsCommand,
  ListApplicationAssignmentsForPrincipalCommand,
  ListApplicationsCommand,
  ResourceNotFoundException,
  type SSOAdminClient,
  ValidationException,
  paginateListApplicationAssignmentsForPrincipal,
  paginateListApplications,
} from '@aws-sdk/client-sso-admin';
import { deserializeState, serializeState } from '../../src/emulator/persist.js';
import { parseSeed, SeedError } from '../../src/emulator/seed.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { sdkClients, testCredentials } from '../support/aws-clients.js';

const INSTANCE = 'arn:aws:sso:::instance/ssoins-6804c2b7a1e93f50';
const WIKI = 'arn:aws:sso::999999999999:application/ssoins-6804c2b7a1e93f50/apl-wiki000000000001';
const GRAFANA = 'arn:aws:sso::999999999999:application/ssoins-6804c2b7a1e93f50/apl-grafana000000001';
const OAUTH = 'arn:aws:sso::aws:applicationProvider/custom';

const SEED = parseSeed(`
instance: { arn: ${INSTANCE}, identityStoreId: d-90670c0ffe, ownerAccountId: "999999999999" }
groups: [{ name: ReadOnly }, { name: Billing }]
users:
  - { userName: kim@example.com, givenName: Kim, familyName: Leaver, groups: [ReadOnly] }
  - { userName: sam@example.com, givenName: Sam, familyName: Dev, groups: [ReadOnly] }
applications:
  - name: Wiki
    arn: ${WIKI}
    description: The team wiki
    url: https://wiki.example.com/login
    users: [kim@example.com]
  - name: Grafana
    arn: ${GRAFANA}
    providerArn: ${OAUTH}
    users: [kim@example.com]
    groups: [ReadOnly]
`);

let emu: RunningEmulator;
let sso: SSOAdminClient;

beforeAll(async () => {
  emu = await startEmulator({ credentials: [testCredentials], seed: SEED, rateLimits: false });
  sso = sdkClients(emu.url).ssoAdmin;
});

afterAll(async () => {
  sso.destroy();
  await emu.close();
});

beforeEach(() => emu.reset());

const userId = (name: string): string => emu.state.userByName(name)!.UserId;
const groupId = (name: string): string =>
  [...emu.state.groups.values()].find((g) => g.DisplayName === name)!.GroupId;
const failure = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

/** What the control endpoint answers, as far as these tests read it. */
interface ApplicationView {
  ApplicationArn: string;
  Name: string;
  users: string[];
  groups: string[];
}
interface ControlBody extends Partial<ApplicationView> {
  message?: string;
  applications: ApplicationView[];
}

async function control(method: string, path: string, body?: unknown) {
  const res = await fetch(`${emu.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as ControlBody };
}

async function allApplications(
  input: { Filter?: { ApplicationProvider?: string; ApplicationAccount?: string } } = {},
) {
  const apps = [];
  for await (const page of paginateListApplications(
    { client: sso, pageSize: 1 },
    { InstanceArn: INSTANCE, ...input },
  )) {
    apps.push(...(page.Applications ?? []));
  }
  return apps;
}

describe('application instances in the local Identity Center', () => {
  it('lists the instance’s applications as DescribeApplication answers each, paged, and by provider or account', async () => {
    const apps = await allApplications();
    expect(apps.map((a) => a.Name)).toEqual(['Wiki', 'Grafana']);
    const wiki = await sso.send(new DescribeApplicationCommand({ ApplicationArn: WIKI }));
    const { $metadata: _metadata, ...wikiFields } = wiki;
    expect(apps[0]).toEqual(wikiFields);
    expect(wiki).toMatchObject({
      ApplicationArn: WIKI,
      ApplicationProviderArn: 'arn:aws:sso::aws:applicationProvider/custom-saml',
      Name: 'Wiki',
      Description: 'The team wiki',
      ApplicationAccount: '999999999999',
      InstanceArn: INSTANCE,
      IdentityStoreArn: 'arn:aws:identitystore::999999999999:identitystore/d-90670c0ffe',
      Status: 'ENABLED',
      PortalOptions: {
        SignInOptions: { Origin: 'APPLICATION', ApplicationUrl: 'https://wiki.example.com/login' },
        Visibility: 'ENABLED',
      },
      CreatedFrom: 'eu-west-1',
    });
    expect(wiki.CreatedDate).toBeInstanceOf(Date);
    expect((await allApplications({ Filter: { ApplicationProvider: OAUTH } })).map((a) => a.Name)).toEqual([
      'Grafana',
    ]);
    expect(await allApplications({ Filter: { ApplicationAccount: '111111111111' } })).toEqual([]);
  });

  it('lists a person’s and a group’s own application assignments (not those through a group), by application too', async () => {
    const kim = [];
    for await (const page of paginateListApplicationAssignmentsForPrincipal(
      { client: sso, pageSize: 1 },
      { InstanceArn: INSTANCE, PrincipalType: 'USER', PrincipalId: userId('kim@example.com') },
    )) {
      kim.push(...(page.ApplicationAssignments ?? []));
    }
    expect(kim.map((a) => a.ApplicationArn).sort()).toEqual([GRAFANA, WIKI].sort());
    expect(kim[0]).toEqual({
      ApplicationArn: kim[0]!.ApplicationArn,
      PrincipalId: userId('kim@example.com'),
      PrincipalType: 'USER',
    });
    const sam = await sso.send(
      new ListApplicationAssignmentsForPrincipalCommand({
        InstanceArn: INSTANCE,
        PrincipalType: 'USER',
        PrincipalId: userId('sam@example.com'),
      }),
    );
    expect(sam.ApplicationAssignments).toEqual([]);
    const readOnly = await sso.send(
      new ListApplicationAssignmentsForPrincipalCommand({
        InstanceArn: INSTANCE,
        PrincipalType: 'GROUP',
        PrincipalId: groupId('ReadOnly'),
      }),
    );
    expect(readOnly.ApplicationAssignments).toEqual([
      { ApplicationArn: GRAFANA, PrincipalId: groupId('ReadOnly'), PrincipalType: 'GROUP' },
    ]);
    const onlyWiki = await sso.send(
      new ListApplicationAssignmentsForPrincipalCommand({
        InstanceArn: INSTANCE,
        PrincipalType: 'USER',
        PrincipalId: userId('kim@example.com'),
        Filter: { ApplicationArn: WIKI },
      }),
    );
    expect(onlyWiki.ApplicationAssignments?.map((a) => a.ApplicationArn)).toEqual([WIKI]);
    const grafana = await sso.send(new ListApplicationAssignmentsCommand({ ApplicationArn: GRAFANA }));
    expect(grafana.ApplicationAssignments?.map((a) => a.PrincipalType)).toEqual(['GROUP', 'USER']);
  });

  it('assigns and unassigns at once; assigning twice changes nothing; unassigning what is not there is ResourceNotFoundException', async () => {
    const sam = {
      ApplicationArn: WIKI,
      PrincipalType: 'USER' as const,
      PrincipalId: userId('sam@example.com'),
    };
    await sso.send(new CreateApplicationAssignmentCommand(sam));
    await sso.send(new CreateApplicationAssignmentCommand(sam));
    const { $metadata: _metadata, ...described } = await sso.send(
      new DescribeApplicationAssignmentCommand(sam),
    );
    expect(described).toEqual(sam);
    const wiki = await sso.send(new ListApplicationAssignmentsCommand({ ApplicationArn: WIKI }));
    expect(wiki.ApplicationAssignments?.filter((a) => a.PrincipalId === sam.PrincipalId)).toHaveLength(1);

    await sso.send(new DeleteApplicationAssignmentCommand(sam));
    const again = await failure(sso.send(new DeleteApplicationAssignmentCommand(sam)));
    expect(again).toBeInstanceOf(ResourceNotFoundException);
    expect((again as Error).message).toMatch(/Could not find application assignment for user/);
    expect(await failure(sso.send(new DescribeApplicationAssignmentCommand(sam)))).toBeInstanceOf(
      ResourceNotFoundException,
    );
    const { body } = await control('GET', '/_emulator/state');
    expect(body.applications.find((a) => a.Name === 'Wiki')?.users).toEqual(['kim@example.com']);
  });

  it('refuses an application, principal or instance that does not exist as ResourceNotFoundException, and a malformed ARN as ValidationException', async () => {
    const missingApp = WIKI.replace('apl-wiki000000000001', 'apl-gone000000000001');
    const kim = userId('kim@example.com');
    const cases = [
      new DescribeApplicationCommand({ ApplicationArn: missingApp }),
      new CreateApplicationAssignmentCommand({
        ApplicationArn: missingApp,
        PrincipalType: 'USER',
        PrincipalId: kim,
      }),
      new CreateApplicationAssignmentCommand({
        ApplicationArn: WIKI,
        PrincipalType: 'GROUP',
        PrincipalId: kim,
      }),
      new ListApplicationAssignmentsForPrincipalCommand({
        InstanceArn: 'arn:aws:sso:::instance/ssoins-0000000000000000',
        PrincipalType: 'USER',
        PrincipalId: kim,
      }),
    ];
    for (const command of cases) {
      expect(await failure(sso.send(command as never))).toBeInstanceOf(ResourceNotFoundException);
    }
    const malformed = await failure(
      sso.send(
        new DeleteApplicationAssignmentCommand({
          ApplicationArn: 'wiki',
          PrincipalType: 'USER',
          PrincipalId: kim,
        }),
      ),
    );
    expect(malformed).toBeInstanceOf(ValidationException);
    expect((malformed as Error).message).toMatch(/at 'applicationArn' failed to satisfy constraint/);
    const tooMany = await failure(
      sso.send(new ListApplicationsCommand({ InstanceArn: INSTANCE, MaxResults: 101 })),
    );
    expect(tooMany).toBeInstanceOf(ValidationException);
    expect(emu.state.applicationAssignments.size).toBe(3);
  });

  it('adds an application through POST /_emulator/applications and shows each with its people and groups in the state', async () => {
    const added = await control('POST', '/_emulator/applications', {
      name: 'Jira',
      url: 'https://jira.example.com',
      users: ['sam@example.com'],
      groups: ['Billing'],
    });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ Name: 'Jira', users: ['sam@example.com'], groups: ['Billing'] });
    const described = await sso.send(
      new DescribeApplicationCommand({ ApplicationArn: added.body.ApplicationArn }),
    );
    expect(described.Name).toBe('Jira');
    expect(described.ApplicationArn).toMatch(
      /^arn:aws:sso::999999999999:application\/ssoins-6804c2b7a1e93f50\/apl-[a-zA-Z0-9]{16}$/,
    );
    const { body } = await control('GET', '/_emulator/state');
    expect(body.applications.map((a) => [a.Name, a.users, a.groups])).toEqual([
      ['Wiki', ['kim@example.com'], []],
      ['Grafana', ['kim@example.com'], ['ReadOnly']],
      ['Jira', ['sam@example.com'], ['Billing']],
    ]);
    expect((await control('POST', '/_emulator/applications', { name: 'Jira' })).status).toBe(409);
    const unknown = await control('POST', '/_emulator/applications', {
      name: 'X',
      users: ['zed@example.com'],
    });
    expect(unknown).toEqual({ status: 400, body: { message: 'No such user zed@example.com.' } });
  });

  it('keeps applications and their assignments across a save and a restore', () => {
    const restored = deserializeState(serializeState(emu.state));
    expect([...restored.applications.values()].map((a) => [a.Name, a.CreatedDate])).toEqual(
      [...emu.state.applications.values()].map((a) => [a.Name, a.CreatedDate]),
    );
    expect([...restored.applicationAssignments.keys()]).toEqual([...emu.state.applicationAssignments.keys()]);
  });

  it('refuses a seed whose application names a user or group it does not have, naming the key', () => {
    const seed = [
      'groups: [{ name: ReadOnly }]',
      'applications:',
      '  - { name: Wiki, users: [nobody@example.com], groups: [Admins] }',
    ].join('\n');
    expect(() => parseSeed(seed, 'org.yml')).toThrow(SeedError);
    expect(() => parseSeed(seed, 'org.yml')).toThrow(
      'org.yml: applications[0].users[0]: unknown user "nobody@example.com"; applications[0].groups[0]: unknown group "Admins"',
    );
  });
});
