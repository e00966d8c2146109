/**
 * What every listener is given: the access service, the admin service when this deployment has one, the config
 * (for sign-in help and roles), and the root logger.
 */
import type {
  AllMiddlewareArgs,
  BlockButtonAction,
  SlackActionMiddlewareArgs,
  SlackCommandMiddlewareArgs,
  SlackOptionsMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from '@slack/bolt';
import type { AdminApi } from '../../access/admin-api.js';
import type { BulkOnboardApi } from '../../access/bulk-api.js';
import type { AccessApi } from '../../access/api.js';
import type { ClickApi } from '../../access/click-api.js';
import type { AuditApi } from '../../access/audit/api.js';
import type { InsightApi } from '../../access/insight-api.js';
import type { AccessDeskConfig } from '../../config/types.js';
import type { Logger } from '../../log.js';
import type { HomeTabs } from '../home-publisher.js';

export interface ListenerDeps {
  access: AccessApi;
  /** Approve, Deny, Cancel, Retry, Extend: recorded before the ack, then run (src/access/clicks.ts). */
  clicks: ClickApi;
  /** Onboarding, offboarding, role changes, the migration email. Absent: those commands say "not available". */
  admin?: AdminApi;
  /** Bulk onboarding from a CSV file shared in Slack. Absent: it says "not available". */
  bulk?: BulkOnboardApi;
  /** whois, the user listing, my access on the Home tab. Absent: those say "not available". */
  insight?: InsightApi;
  /** `/access audit`. Absent: it says "not available". */
  audit?: AuditApi;
  /** Records Home opens and draws the tab (src/slack/home-publisher.ts). Absent: drawn fresh, not recorded. */
  home?: HomeTabs;
  config: AccessDeskConfig;
  logger: Logger;
}

export type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;
export type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;
export type ViewSubmissionArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;
export type SuggestionArgs = SlackOptionsMiddlewareArgs<'block_suggestion'> & AllMiddlewareArgs;
