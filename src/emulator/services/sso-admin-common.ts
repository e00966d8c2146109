/**
 * What every sso-admin handler shares: reading the input, finding the instance and the permission set the way
 * AWS refuses them, and paging. The handlers themselves live in sso-admin.ts (permission sets, assignments) and
 * sso-admin-provisioning.ts (inline policies, permission set provisioning).
 */
import { AwsServiceError } from '../errors.js';
import { ssoAdminModel } from '../models/sso-admin.js';
import type { EmulatorState, StoredPermissionSet } from '../state.js';
import { paginate } from './paging.js';

/** Every list operation here pages with the `MaxResults` shape; AWS's default page is its maximum. */
const PAGE_SIZE = ssoAdminModel.shapes.MaxResults?.max ?? 100;

export const str = (input: Record<string, unknown>, name: string): string => {
  const value = input[name];
  return typeof value === 'string' ? value : '';
};

export const notFound = (message: string): AwsServiceError =>
  new AwsServiceError('ResourceNotFoundException', message);

export function requireInstance(state: EmulatorState, input: Record<string, unknown>): void {
  const arn = str(input, 'InstanceArn');
  if (arn !== state.instance.InstanceArn) throw notFound(`Instance ${arn} not found.`);
}

export function requirePermissionSet(state: EmulatorState, arn: string): StoredPermissionSet {
  const ps = state.permissionSets.get(arn);
  if (ps === undefined) throw notFound(`Could not find PermissionSet with PermissionSetArn ${arn}.`);
  return ps;
}

export function pageOf<T>(items: readonly T[], input: Record<string, unknown>, listName: string) {
  return paginate(items, {
    listName,
    token: input.NextToken,
    limit: input.MaxResults,
    defaultLimit: PAGE_SIZE,
  });
}

export const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Seconds in an ISO 8601 duration as the model's pattern admits it (`PT8H`, `PT90M`, `P1D`, …); years and
 * months are counted long, which only matters to say they exceed the 12-hour maximum.
 */
export function durationSeconds(duration: string): number | undefined {
  const m =
    /^(-?)P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)([DW]))?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/u.exec(
      duration,
    );
  if (m === null) return undefined;
  const n = (i: number): number => Number(m[i] ?? 0);
  const days = n(2) * 365 + n(3) * 30 + n(4) * (m[5] === 'W' ? 7 : 1);
  const seconds = days * 86400 + n(6) * 3600 + n(7) * 60 + n(8);
  return m[1] === '-' ? -seconds : seconds;
}
