/**
 * The applications a person is assigned to (SAML and OAuth applications, AWS managed ones): a second kind of
 * access besides accounts. whois shows them; offboarding lists them in its preview and removes those assigned to
 * the person directly (those through a group go with the group). Names come from the instance's applications.
 *
 * A person's own list is asked for, and each of their groups' lists: AWS documents that a user's list covers
 * access through groups too, while the local emulator (like account assignments) lists a principal's own
 * assignments only. Asking both, and keeping each application × principal once, reads the same either way.
 */
import type {
  ApplicationAssignment,
  DirectoryGroup,
  HeldApplication,
  PrincipalRef,
} from '../../domain/identity.js';
import type { ApplicationAssignments, AwsOutcome } from '../ports.js';

export async function readHeldApplications(
  applications: ApplicationAssignments,
  userId: string,
  groups: readonly DirectoryGroup[],
  /** The user's own list, when it was started ahead (with the other reads about them). */
  own?: Promise<AwsOutcome<ApplicationAssignment[]>>,
): Promise<AwsOutcome<HeldApplication[]>> {
  const known = await applications.listApplications();
  // No application in the instance: nobody holds one, and nothing need be asked.
  if (known.ok && known.value.length === 0) return { ok: true, value: [] };
  const groupPrincipals: PrincipalRef[] = groups.map((g) => ({ type: 'GROUP' as const, id: g.id }));
  const lists = await Promise.all([
    own ?? applications.listForPrincipal({ type: 'USER', id: userId }),
    ...groupPrincipals.map((p) => applications.listForPrincipal(p)),
  ]);
  const failed = lists.find((l) => !l.ok);
  if (failed !== undefined && !failed.ok) return failed;
  const listed = lists.flatMap((l) => (l.ok ? l.value : []));
  if (listed.length === 0) return { ok: true, value: [] };
  const names = await applicationNames(
    applications,
    listed.map((a) => a.applicationArn),
  );
  const groupName = new Map(groups.map((g) => [g.id, g.name]));
  const held: HeldApplication[] = [];
  const seen = new Set<string>();
  for (const a of listed) {
    const direct = a.principal.type === 'USER' && a.principal.id === userId;
    const key = `${a.applicationArn}|${direct ? '' : a.principal.id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    held.push({
      applicationArn: a.applicationArn,
      application: names.get(a.applicationArn) ?? a.applicationArn,
      ...(direct
        ? {}
        : {
            throughGroupId: a.principal.id,
            throughGroup: groupName.get(a.principal.id) ?? a.principal.id,
          }),
    });
  }
  return {
    ok: true,
    value: held.sort(
      (a, b) =>
        a.application.localeCompare(b.application) ||
        (a.throughGroup ?? '').localeCompare(b.throughGroup ?? ''),
    ),
  };
}

/**
 * The applications' names by ARN, from the kept list, read again once when it does not know one of `arns` (an
 * application added since). A name is a courtesy: where it cannot be read, the ARN says which application it is.
 */
export async function applicationNames(
  applications: ApplicationAssignments,
  arns: readonly string[],
): Promise<Map<string, string>> {
  const namesOf = (listed: Awaited<ReturnType<ApplicationAssignments['listApplications']>>) =>
    new Map(listed.ok ? listed.value.map((a) => [a.arn, a.name]) : []);
  let names = namesOf(await applications.listApplications());
  if (arns.some((arn) => !names.has(arn)))
    names = namesOf(await applications.listApplications({ fresh: true }));
  return names;
}

/** Those assigned to the person directly: what offboarding removes one by one. */
export const directApplications = (held: readonly HeldApplication[]): HeldApplication[] =>
  held.filter((h) => h.throughGroup === undefined);

/** `Grafana (through group ReadOnly)`, `Grafana`: how a person reads one. */
export function heldApplicationText(h: HeldApplication): string {
  return h.throughGroup === undefined ? h.application : `${h.application} (through group ${h.throughGroup})`;
}
