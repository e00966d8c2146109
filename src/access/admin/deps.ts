/** What the admins' work needs: the ports of the access layer, and the identities of Slack users. */
import type { Logger } from '../../log.js';
import type { AccessDeskConfig } from '../../config/types.js';
import type { Clock } from '../clock.js';
import type { IdentityResolver } from '../identity.js';
import type { Ledger } from '../ledger.js';
import type { SlackPeople } from '../people.js';
import type { MigrationMessages } from '../migration-api.js';
import type { ApplicationAssignments, Assignments, Catalog, Directory, LegacyIam, Mailer } from '../ports.js';

export interface AdminDeps {
  config: AccessDeskConfig;
  ledger: Ledger;
  directory: Directory;
  assignments: Assignments;
  catalog: Catalog;
  mailer: Mailer;
  legacyIam: LegacyIam;
  /** Application assignments: the offboarding preview lists them and its steps remove them. */
  applications: ApplicationAssignments;
  people: SlackPeople;
  clock: Clock;
  logger: Logger;
  /**
   * Called after a transaction enqueued jobs, so the runner starts them now: a step saved with its card job has
   * its card drawn while the next steps run. Absent: the jobs run when the runner next looks.
   */
  wake?: () => void;
}

export interface AdminServiceDeps extends AdminDeps {
  identities: IdentityResolver;
  /** The migration's direct messages (the person's buttons, the admin told of a call for help). Absent: none. */
  migrationMessages?: MigrationMessages;
}
