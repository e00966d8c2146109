/**
 * sso-admin's application instances and their assignments (src/emulator/applications.ts holds them):
 * ListApplications, DescribeApplication, ListApplicationAssignments, ListApplicationAssignmentsForPrincipal,
 * DescribeApplicationAssignment, CreateApplicationAssignment and DeleteApplicationAssignment. Unlike account
 * assignments these take effect at once (no request id to poll). As with account assignments, a principal's
 * list holds its direct assignments only: access through a group is listed under the group.
 */
import {
  applicationAssignmentKey,
  assignApplication,
  unassignApplication,
  type ApplicationAssignment,
  type StoredApplication,
} from '../applications.js';
import type { EmulatorState, PrincipalType } from '../state.js';
import { identityStoreArn } from '../trail.js';
import { byString, notFound, pageOf, requireInstance, str } from './sso-admin-common.js';
import type { OperationContext, ServiceHandlers } from './types.js';

function requireApplication(state: EmulatorState, arn: string): StoredApplication {
  const app = state.applications.get(arn);
  if (app === undefined) throw notFound(`Application ${arn} not found.`);
  return app;
}

function requirePrincipal(state: EmulatorState, type: PrincipalType, id: string): void {
  const exists = type === 'USER' ? state.users.has(id) : state.groups.has(id);
  if (!exists) {
    const what = type === 'USER' ? 'User' : 'Group';
    throw notFound(`${what} ${id} not found in identity store ${state.instance.IdentityStoreId}.`);
  }
}

function applicationOutput(app: StoredApplication, ctx: OperationContext) {
  const { instance } = ctx.state;
  return {
    ApplicationArn: app.ApplicationArn,
    ApplicationProviderArn: app.ApplicationProviderArn,
    Name: app.Name,
    ApplicationAccount: instance.OwnerAccountId,
    InstanceArn: instance.InstanceArn,
    IdentityStoreArn: identityStoreArn(ctx.state),
    Status: app.Status,
    PortalOptions: {
      SignInOptions:
        app.ApplicationUrl === undefined
          ? { Origin: 'IDENTITY_CENTER' }
          : { Origin: 'APPLICATION', ApplicationUrl: app.ApplicationUrl },
      Visibility: app.Visibility,
    },
    Description: app.Description,
    CreatedDate: app.CreatedDate,
    CreatedFrom: ctx.region,
  };
}

/** The application, principal type and id of an assignment request, each checked as AWS checks it. */
function assignmentOf(input: Record<string, unknown>, state: EmulatorState): ApplicationAssignment {
  const app = requireApplication(state, str(input, 'ApplicationArn'));
  const type = str(input, 'PrincipalType') as PrincipalType;
  const id = str(input, 'PrincipalId');
  requirePrincipal(state, type, id);
  return { ApplicationArn: app.ApplicationArn, PrincipalType: type, PrincipalId: id };
}

const entry = (a: ApplicationAssignment) => ({
  ApplicationArn: a.ApplicationArn,
  PrincipalId: a.PrincipalId,
  PrincipalType: a.PrincipalType,
});

const byPrincipal = (a: ApplicationAssignment, b: ApplicationAssignment): number =>
  byString(a.PrincipalType, b.PrincipalType) || byString(a.PrincipalId, b.PrincipalId);

function noAssignment(a: ApplicationAssignment) {
  return notFound(
    `Could not find application assignment for ${a.PrincipalType.toLowerCase()} ${a.PrincipalId} and application ${a.ApplicationArn}.`,
  );
}

export const applicationHandlers: ServiceHandlers = {
  ListApplications: (input, ctx) => {
    const { state } = ctx;
    requireInstance(state, input);
    const filter = input.Filter as { ApplicationAccount?: string; ApplicationProvider?: string } | undefined;
    const apps = [...state.applications.values()].filter(
      (app) =>
        (filter?.ApplicationAccount === undefined ||
          filter.ApplicationAccount === state.instance.OwnerAccountId) &&
        (filter?.ApplicationProvider === undefined ||
          filter.ApplicationProvider === app.ApplicationProviderArn),
    );
    const { page, nextToken } = pageOf(
      apps,
      input,
      `sso-admin:applications:${filter?.ApplicationAccount ?? ''}|${filter?.ApplicationProvider ?? ''}`,
    );
    return { Applications: page.map((app) => applicationOutput(app, ctx)), NextToken: nextToken };
  },

  DescribeApplication: (input, ctx) =>
    applicationOutput(requireApplication(ctx.state, str(input, 'ApplicationArn')), ctx),

  ListApplicationAssignments: (input, { state }) => {
    const app = requireApplication(state, str(input, 'ApplicationArn'));
    const assignments = [...state.applicationAssignments.values()]
      .filter((a) => a.ApplicationArn === app.ApplicationArn)
      .sort(byPrincipal);
    const { page, nextToken } = pageOf(
      assignments,
      input,
      `sso-admin:application-assignments:${app.ApplicationArn}`,
    );
    return { ApplicationAssignments: page.map(entry), NextToken: nextToken };
  },

  ListApplicationAssignmentsForPrincipal: (input, { state }) => {
    requireInstance(state, input);
    const type = str(input, 'PrincipalType') as PrincipalType;
    const id = str(input, 'PrincipalId');
    requirePrincipal(state, type, id);
    const only = (input.Filter as { ApplicationArn?: string } | undefined)?.ApplicationArn;
    const assignments = [...state.applicationAssignments.values()]
      .filter(
        (a) =>
          a.PrincipalType === type &&
          a.PrincipalId === id &&
          (only === undefined || a.ApplicationArn === only),
      )
      .sort((a, b) => byString(a.ApplicationArn, b.ApplicationArn));
    const { page, nextToken } = pageOf(
      assignments,
      input,
      `sso-admin:application-assignments-for-principal:${type}|${id}|${only ?? ''}`,
    );
    return { ApplicationAssignments: page.map(entry), NextToken: nextToken };
  },

  DescribeApplicationAssignment: (input, { state }) => {
    const wanted = assignmentOf(input, state);
    const found = state.applicationAssignments.get(applicationAssignmentKey(wanted));
    if (found === undefined) throw noAssignment(wanted);
    return entry(found);
  },

  // Assigning twice is accepted and changes nothing, as CreateAccountAssignment of an existing assignment.
  CreateApplicationAssignment: (input, { state }) => {
    assignApplication(state, assignmentOf(input, state));
    return {};
  },

  DeleteApplicationAssignment: (input, { state }) => {
    const wanted = assignmentOf(input, state);
    if (!unassignApplication(state, wanted)) throw noAssignment(wanted);
    return {};
  },
};
