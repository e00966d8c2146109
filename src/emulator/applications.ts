/**
 * Application instances of the emulated Identity Center (a wiki, Grafana: SAML or OAuth applications people sign
 * in to from the access portal) and who is assigned to them. They are a second kind of access besides account
 * assignments: a leaver can keep one after every account assignment is gone. sso-admin answers them in
 * services/sso-admin-applications.ts; seeds and the control endpoint add them here.
 */
import { randomBytes } from 'node:crypto';
import type { EmulatorState, PrincipalType } from './state.js';

/** What AWS keeps of an application, as DescribeApplication answers it. */
export interface StoredApplication {
  ApplicationArn: string;
  ApplicationProviderArn: string;
  Name: string;
  Description?: string;
  Status: 'ENABLED' | 'DISABLED';
  /** Where the access portal sends people: the application's own sign-in page. */
  ApplicationUrl?: string;
  Visibility: 'ENABLED' | 'DISABLED';
  CreatedDate: Date;
}

export interface ApplicationAssignment {
  ApplicationArn: string;
  PrincipalType: PrincipalType;
  PrincipalId: string;
}

/** A custom SAML 2.0 application, the kind a wiki or Grafana is set up as. */
export const CUSTOM_SAML_PROVIDER = 'arn:aws:sso::aws:applicationProvider/custom-saml';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `arn:aws:sso::<owner account>:application/<ssoins-…>/apl-<16 letters and digits>`, as AWS names them. */
export function newApplicationArn(state: EmulatorState): string {
  const instanceId = state.instance.InstanceArn.split('/')[1] ?? 'ssoins-0000000000000000';
  const suffix = Array.from(randomBytes(16), (b) => ALNUM[b % ALNUM.length]).join('');
  return `arn:aws:sso::${state.instance.OwnerAccountId}:application/${instanceId}/apl-${suffix}`;
}

export const applicationAssignmentKey = (a: ApplicationAssignment): string =>
  `${a.ApplicationArn}|${a.PrincipalType}|${a.PrincipalId}`;

export interface NewApplication {
  name: string;
  arn?: string;
  description?: string;
  url?: string;
  providerArn?: string;
  status?: 'ENABLED' | 'DISABLED';
}

/** Adds an application (seeds and the control endpoint: the API's CreateApplication is not emulated). */
export function addApplication(state: EmulatorState, app: NewApplication, at: Date): StoredApplication {
  const stored: StoredApplication = {
    ApplicationArn: app.arn ?? newApplicationArn(state),
    ApplicationProviderArn: app.providerArn ?? CUSTOM_SAML_PROVIDER,
    Name: app.name,
    ...(app.description !== undefined && { Description: app.description }),
    Status: app.status ?? 'ENABLED',
    ...(app.url !== undefined && { ApplicationUrl: app.url }),
    Visibility: 'ENABLED',
    CreatedDate: at,
  };
  state.applications.set(stored.ApplicationArn, stored);
  return stored;
}

/** False when it was there already (assigning twice changes nothing). */
export function assignApplication(state: EmulatorState, assignment: ApplicationAssignment): boolean {
  const key = applicationAssignmentKey(assignment);
  if (state.applicationAssignments.has(key)) return false;
  state.applicationAssignments.set(key, { ...assignment });
  return true;
}

/** False when there was no such assignment. */
export function unassignApplication(state: EmulatorState, assignment: ApplicationAssignment): boolean {
  return state.applicationAssignments.delete(applicationAssignmentKey(assignment));
}

export function applicationByName(state: EmulatorState, name: string): StoredApplication | undefined {
  return [...state.applications.values()].find((a) => a.Name === name);
}

/** Each application with the names of those assigned to it, for /_emulator/state. */
export function applicationsView(state: EmulatorState) {
  const nameOf = (a: ApplicationAssignment): string =>
    a.PrincipalType === 'USER'
      ? (state.users.get(a.PrincipalId)?.UserName ?? a.PrincipalId)
      : (state.groups.get(a.PrincipalId)?.DisplayName ?? a.PrincipalId);
  const assignments = [...state.applicationAssignments.values()];
  return [...state.applications.values()].map((app) => {
    const mine = assignments.filter((a) => a.ApplicationArn === app.ApplicationArn);
    return {
      ...app,
      users: mine.filter((a) => a.PrincipalType === 'USER').map(nameOf),
      groups: mine.filter((a) => a.PrincipalType === 'GROUP').map(nameOf),
    };
  });
}
