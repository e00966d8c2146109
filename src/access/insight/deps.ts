/** What the insight module reads: the AWS ports, the ledger, and who a Slack user is. It changes nothing. */
import type { Logger } from '../../log.js';
import type { AccessDeskConfig } from '../../config/types.js';
import type { Clock } from '../clock.js';
import type { GroupListingsOptions } from './group-listings.js';
import type { IdentityResolver } from '../identity.js';
import type { Ledger } from '../ledger.js';
import type { ApplicationAssignments, Assignments, Catalog, Directory, LegacyIam } from '../ports.js';

export interface InsightDeps {
  config: AccessDeskConfig;
  ledger: Ledger;
  directory: Directory;
  assignments: Assignments;
  catalog: Catalog;
  legacyIam: LegacyIam;
  /** The applications a person is assigned to (whois, the user listing). */
  applications: ApplicationAssignments;
  identities: IdentityResolver;
  clock: Clock;
  logger: Logger;
  /** How long one user listing serves Next/Previous before AWS is asked again. Default one minute. */
  usersCacheMs?: number;
  /** How long whois keeps what each group gives (group-listings.ts). Default: fresh for 1 min, used up to 15. */
  groupListings?: GroupListingsOptions;
}
