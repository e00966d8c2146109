import { describe, expect, it } from 'vitest';
import { readBulkCsv } from '../../src/access/admin/bulk-csv.js';
import { checkRows, type RowDeps } from '../../src/access/admin/bulk-rows.js';
import type { RequestRecord } from '../../src/access/ledger.js';
import type { Assignments, Catalog, Directory } from '../../src/access/ports.js';
import type { DirectoryUser, PermissionSet } from '../../src/domain/identity.js';
import { exampleConfig } from '../support/access-harness.js';

const config = exampleConfig();
const HEADER = 'First name,Last name,Email,Display name,Role,Slack user,Start date';

const ok = <T>(value: T) => Promise.resolve({ ok: true as const, value });
const SETS: PermissionSet[] = Object.keys(config.permissionSets).map((name, i) => ({
  arn: `arn:aws:sso:::permissionSet/ssoins-1/ps-${i}`,
  name,
  sessionDuration: 'PT1H',
  sessionHours: 1,
}));
const KIM: DirectoryUser = {
  id: 'u-kim',
  userName: 'kim.leaver@example.com',
  displayName: 'Kim Leaver',
  email: 'kim.leaver@example.com',
};

/** Identity Center as the checks read it: Kim exists, nobody else; the permission sets of the config. */
function deps(open: RequestRecord[] = [], slackProfiles: Record<string, string> = {}): RowDeps {
  const directory = {
    findUserByUserName: (name: string) => ok(name === KIM.userName ? KIM : undefined),
    findUserByEmail: (email: string) => ok(email === KIM.email ? KIM : undefined),
    listMembershipsOfUser: () => ok([]),
    listGroups: () => ok([]),
  } as unknown as Directory;
  const catalog = {
    permissionSets: () => ok(SETS),
    permissionSetByName: (name: string) => ok(SETS.find((s) => s.name === name)!),
  } as unknown as Catalog;
  const assignments = {
    listForPrincipal: () => ok([]),
    listForGroup: () => ok([]),
  } as unknown as Assignments;
  return {
    config,
    directory,
    catalog,
    assignments,
    ledger: { findRequests: () => Promise.resolve(open) },
    people: { profileEmail: (id) => Promise.resolve(slackProfiles[id]) },
  };
}

const file = (...rows: string[]) => readBulkCsv(new TextEncoder().encode(`${HEADER}\n${rows.join('\n')}\n`));

describe('checking the rows of a bulk onboarding', () => {
  it('passes a row that a single onboarding would take, with its plan', async () => {
    const { checked, problems } = await checkRows(
      deps([], { U0NEW0001: 'nina.new@example.com' }),
      file('Nina,New,Nina.New@Example.com,,Developer,U0NEW0001,2027-01-04'),
    );
    expect(problems).toEqual([]);
    expect(checked).toHaveLength(1);
    expect(checked[0]).toMatchObject({
      row: 2,
      planned: {
        plan: {
          starter: {
            email: 'nina.new@example.com',
            displayName: 'Nina New',
            role: 'developer',
            slackUserId: 'U0NEW0001',
            startDate: '2027-01-04',
          },
          groups: ['ReadOnly'],
        },
      },
    });
  });

  it('names every problem by row and column: email, names, role, Slack user, start date', async () => {
    const long = 'x'.repeat(65);
    const { checked, problems } = await checkRows(
      deps(),
      file(
        'Ann,Able,ann@gmail.com,,developer,,',
        'Ben,Bold,not-an-email,,developer,,',
        `${long},Cole,cole@example.com,,developer,,`,
        'Dee,<b>Dunn</b>,dee@example.com,,developer,,',
        'Eve,Eager,eve@example.com,,developr,,',
        'Fay,Fine,fay@example.com,,developer,@fay,',
        'Gus,Good,gus@example.com,,developer,U0NOBODY1,',
        'Hal,Hale,hal@example.com,,developer,,04/01/2027',
        ',Ives,ivy@example.com,,,,',
        'Jo,Jones,jo@example.com,,developer,U0000SAM01,',
      ),
    );
    expect(checked).toEqual([]);
    const at = (row: number) => problems.filter((p) => p.row === row).map((p) => [p.column, p.message]);
    expect(at(2)).toEqual([
      ['Email', expect.stringMatching(/ann@gmail.com is not in a trusted domain \(example.com\)/)],
    ]);
    expect(at(3)).toEqual([['Email', '"not-an-email" is not an email address.']]);
    expect(at(4)).toEqual([['First name', 'The first name is 65 characters long; at most 64.']]);
    expect(at(5)).toEqual([['Last name', 'The last name cannot contain < > or control characters.']]);
    expect(at(6)).toEqual([
      ['Role', expect.stringMatching(/There is no role "developr" \(did you mean developer\?\)/)],
    ]);
    expect(at(7)).toEqual([['Slack user', expect.stringMatching(/"@fay" is not a Slack user id/)]]);
    expect(at(8)).toEqual([['Slack user', expect.stringMatching(/Slack has no active user U0NOBODY1/)]]);
    expect(at(9)).toEqual([
      ['Start date', expect.stringMatching(/"04\/01\/2027" is not a date: give it as YYYY-MM-DD/)],
    ]);
    expect(at(10)).toEqual([
      ['First name', 'No first name.'],
      ['Role', expect.stringMatching(/^No role. The roles are: junior-developer, developer/)],
    ]);
    expect(at(11)).toEqual([
      ['Slack user', expect.stringMatching(/U0000SAM01 is sam.dev@example.com in the config's people/)],
    ]);
  });

  it('refuses someone who already has an Identity Center user, as a single onboarding does', async () => {
    const { problems } = await checkRows(deps(), file('Kim,Leaver,kim.leaver@example.com,,developer,,'));
    expect(problems).toEqual([
      {
        row: 2,
        column: 'Email',
        message: expect.stringMatching(
          /kim.leaver@example.com already has an Identity Center user .*\/access role kim.leaver@example.com/,
        ) as unknown,
      },
    ]);
  });

  it('refuses the same person twice in the file, and the same Slack account for two people', async () => {
    const { checked, problems } = await checkRows(
      deps([], { U0NEW0001: 'a@example.com' }),
      file(
        'A,One,a@example.com,,data,U0NEW0001,',
        'B,Two,b@example.com,,data,,',
        'A,Again,A@example.com,,data,,',
        'C,Three,c@example.com,,data,U0NEW0001,',
      ),
    );
    expect(problems).toEqual([
      { row: 4, column: 'Email', message: 'a@example.com is also on row 2: one row per person.' },
      { row: 5, column: 'Slack user', message: 'U0NEW0001 is also on row 2: one Slack account per person.' },
    ]);
    expect(checked.map((c) => c.row)).toEqual([2, 3]);
  });

  it('refuses someone whose onboarding is already under way, alone or in another batch', async () => {
    const open = [
      {
        id: 'R-SINGLE',
        kind: 'onboard',
        status: 'pending',
        details: { subject: { email: 'a@example.com' } },
      },
      {
        id: 'R-BATCH',
        kind: 'bulk_onboard',
        status: 'provisioning',
        details: { batch: [{ row: 2, email: 'b@example.com' }] },
      },
    ] as unknown as RequestRecord[];
    const { problems } = await checkRows(
      deps(open),
      file('A,One,a@example.com,,data,,', 'B,Two,b@example.com,,data,,'),
    );
    expect(problems).toEqual([
      {
        row: 2,
        column: 'Email',
        message: expect.stringMatching(/already under way \(R-SINGLE, pending\)/) as unknown,
      },
      {
        row: 3,
        column: 'Email',
        message: expect.stringMatching(/already under way \(R-BATCH, provisioning\)/) as unknown,
      },
    ]);
  });
});
