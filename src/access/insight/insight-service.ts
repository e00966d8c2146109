/**
 * The insight service: whois, the user listing and a person's own grants. Read-only; every refusal says why
 * and what would work.
 */
import type { Logger } from '../../log.js';
import type { Outcome } from '../api.js';
import type { InsightApi, UsersPage, WhoisReport } from '../insight-api.js';
import type { GrantRecord } from '../ledger.js';
import { refuse } from '../admin/details.js';
import { findPerson, type Person } from '../admin/subject.js';
import type { InsightDeps } from './deps.js';
import { GroupListings } from './group-listings.js';
import { myActiveGrants } from './my-access.js';
import { UserListing } from './users.js';
import { readWhois, readWhoisByEmail } from './whois.js';

const mention = (slackId: string): string => `<@${slackId}>`;

export class InsightService implements InsightApi {
  private readonly log: Logger;
  private readonly listing: UserListing;
  private readonly groupListings: GroupListings;

  constructor(private readonly deps: InsightDeps) {
    this.log = deps.logger.child({ module: 'insight' });
    this.listing = new UserListing(deps.directory, deps.clock, deps.usersCacheMs, deps.applications);
    this.groupListings = new GroupListings(deps.clock, this.log, deps.groupListings ?? {});
  }

  async whois(askerSlackId: string, who?: string): Promise<Outcome<WhoisReport>> {
    const report = await this.readWhois(askerSlackId, who);
    if (!report.ok) return report;
    this.log.debug({ askerSlackId, userId: report.value.user.id }, 'whois answered');
    return this.deps.config.admins.includes(askerSlackId)
      ? report
      : { ok: true, value: withoutCredentialIds(report.value) };
  }

  private async readWhois(askerSlackId: string, who?: string): Promise<Outcome<WhoisReport>> {
    // What groups give comes from the kept listings (see group-listings.ts); the answer says how old they are.
    const asked = this.deps.clock.now();
    let oldest: Date | undefined;
    const heard = (readAt: Date): void => {
      if (readAt < asked && (oldest === undefined || readAt < oldest)) oldest = readAt;
    };
    const deps: InsightDeps = {
      ...this.deps,
      directory: this.groupListings.directoryFor(this.deps.directory, heard),
      assignments: this.groupListings.assignmentsFor(this.deps.assignments, heard),
      applications: this.groupListings.applicationsFor(this.deps.applications, heard),
    };
    const dated = (report: Outcome<WhoisReport>): Outcome<WhoisReport> =>
      report.ok && oldest !== undefined
        ? { ok: true, value: { ...report.value, groupAssignmentsReadAt: oldest } }
        : report;
    const quick = who !== undefined ? await readWhoisByEmail(deps, who) : undefined;
    if (quick !== undefined) return dated(quick);
    const person = await this.person(askerSlackId, who);
    if (!person.ok) return person;
    return dated(await readWhois(deps, person.value));
  }

  async users(adminSlackId: string, page: number): Promise<Outcome<UsersPage>> {
    const { admins } = this.deps.config;
    if (!admins.includes(adminSlackId)) {
      const ask = admins.length > 0 ? ` Ask one of ${admins.map(mention).join(' ')}.` : '';
      return refuse(
        'not_admin',
        `Only admins can list every user. \`/access whois <email|@user>\` shows anyone's access.${ask}`,
      );
    }
    return this.listing.page(page);
  }

  myAccess(slackId: string): Promise<GrantRecord[]> {
    return myActiveGrants(this.deps.ledger, slackId);
  }

  /** The person asked about: by email, user name or Slack id; the asker when nobody is named. */
  private async person(askerSlackId: string, who: string | undefined): Promise<Outcome<Person>> {
    if (who !== undefined && who.trim() !== '') {
      return findPerson(this.deps.directory, this.deps.identities, who);
    }
    // whois of oneself reads, it asks for nothing: a disabled user is shown as such.
    const identity = await this.deps.identities.resolve(askerSlackId, { allowDisabled: true });
    if (!identity.ok) return identity;
    const { user } = identity.value;
    return {
      ok: true,
      value: { user, email: user.email ?? identity.value.email, slackUserId: askerSlackId },
    };
  }
}

/** The report a non-admin sees: the legacy IAM user's shape and use, without any credential's id. */
function withoutCredentialIds(report: WhoisReport): WhoisReport {
  const iam = report.legacyIamUser;
  if (iam === undefined) return { ...report, credentialIdsShown: false };
  return {
    ...report,
    credentialIdsShown: false,
    legacyIamUser: {
      ...iam,
      arn: '',
      accessKeys: iam.accessKeys.map((k) => ({ ...k, id: '' })),
      mfaDevices: iam.mfaDevices.map((d) => ({ ...d, serialNumber: '' })),
      signingCertificates: iam.signingCertificates.map((c) => ({ ...c, id: '' })),
      sshPublicKeys: iam.sshPublicKeys.map((k) => ({ ...k, id: '' })),
      serviceCredentials: iam.serviceCredentials.map((c) => ({ ...c, id: '' })),
    },
  };
}
