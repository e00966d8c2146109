/** What the admins' work needs: the ports of the access layer, and the identities of Slack users. */
import type { Logger } from '../../log.js';
import type { AccessDeskConfig } from '../../config/types.js';
import type { Clock } from '../clock.js';
import type { IdentityResolver } from '../identity.js';
import type { Ledger } from '../ledger.js';
import type { SlackPeople } from '../people.js';
import type { Assignments, Catalog, Directory, LegacyIam, Mailer } from '../ports.js';

export interface AdminDeps {
  config: AccessDeskConfig;
  ledger: Ledger;
  directory: Directory;
  assignments: Assignments;
  catalog: Catalog;
  mailer: Mailer;
  legacyIam: LegacyIam;
  people: SlackPeople;
  clock: Clock;
  logger: Logger;
}

export interface AdminServiceDeps extends AdminDeps {
  identities: IdentityResolver;
  /** Called after a transaction enqueued jobs, so the runner starts them now. */
  wake?: () => void;
}
