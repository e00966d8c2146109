/**
 * The ledger reads behind `/access pending`, the Home tab and expiry, made through the ledger exactly as the
 * product makes them (the same Ledger calls with the same arguments as src/access/service.ts `pending`,
 * src/access/views.ts `buildViews`, src/access/insight/my-access.ts, src/access/scheduler.ts, src/access/jobs.ts,
 * src/access/sessions.ts, src/access/break-glass.ts and src/access/audit-feed.ts). Shared by the ledger
 * benchmark (bench/ledger.ts, which times them on a ledger of 1,000,000 audit events) and the index test
 * (test/integration/ledger-indexes.test.ts, which shows the plan of each).
 */
import type { Catalog } from '../../src/access/ports.js';
import type { Ledger } from '../../src/access/ledger.js';
import { myActiveGrants } from '../../src/access/insight/my-access.js';
import { buildViews } from '../../src/access/views.js';
import { SEED_NOW, SUBJECTS } from './ledger-seed.js';

const OPEN = ['pending', 'approved', 'scheduled', 'provisioning'] as const;
const REMINDER_BEFORE_MS = 60 * 60_000;
const LEASE_MS = 20_000;
const FEED_BATCH = 100;

/** What the queries are asked about, read once from the seeded ledger before they run. */
export interface QueryContext {
  /** The requests a Home tab lists for the heavy requester and the security approver together. */
  listedIds: string[];
}

export interface LedgerRead {
  /** A sentence: what the product reads, and for which screen. */
  name: string;
  screen: 'pending & Home' | 'expiry';
  /** The indexes SQLite searches for it, planning as the product runs it (without statistics). */
  indexes: readonly string[];
  /**
   * The indexes PostgreSQL chooses for it after ANALYZE, where its choice does not hang on the table's size;
   * elsewhere (it plans by cost) the index test holds it to no whole-table read only.
   */
  postgresIndexes?: readonly string[];
  run(ledger: Ledger, context: QueryContext): Promise<unknown>;
}

/** Every permission set known, described the same: the catalog is AWS's, not the ledger's. */
export const benchCatalog = {
  permissionSetByArn: (arn: string) =>
    Promise.resolve({
      ok: true as const,
      value: { arn, name: arn.split('/').at(-1) ?? arn, sessionHours: 12, description: 'seeded' },
    }),
} as unknown as Catalog;

/** The Home tab's ledger part, as src/access/service.ts `pending` and src/slack/home-content.ts draw it. */
export async function homeTabReads(ledger: Ledger, slackUserId: string): Promise<number> {
  const [mine, awaiting, grants] = await Promise.all([
    ledger.findRequests({ requesterSlackId: slackUserId, statuses: [...OPEN] }),
    ledger.findRequests({ approverSlackId: slackUserId, statuses: ['pending'] }),
    myActiveGrants(ledger, slackUserId),
  ]);
  const [mineViews, awaitingViews] = await Promise.all([
    buildViews(ledger, benchCatalog, mine),
    buildViews(ledger, benchCatalog, awaiting),
  ]);
  return mineViews.length + awaitingViews.length + grants.length;
}

export async function queryContext(ledger: Ledger): Promise<QueryContext> {
  const [mine, awaiting] = await Promise.all([
    ledger.findRequests({ requesterSlackId: SUBJECTS.heavyRequester, statuses: [...OPEN] }),
    ledger.findRequests({ approverSlackId: SUBJECTS.teamApprover, statuses: ['pending'] }),
  ]);
  return { listedIds: [...mine, ...awaiting].map((r) => r.id) };
}

export const LEDGER_READS: readonly LedgerRead[] = [
  {
    name: "a person's open requests (pending, approved, scheduled, provisioning) are found by requester and status",
    screen: 'pending & Home',
    indexes: ['requests_requester'],
    postgresIndexes: ['requests_by_requester_status'],
    run: (ledger) => ledger.findRequests({ requesterSlackId: SUBJECTS.heavyRequester, statuses: [...OPEN] }),
  },
  {
    name: 'the requests waiting for an approver of every request are found among the pending ones',
    screen: 'pending & Home',
    indexes: ['requests_by_status_created', 'sqlite_autoindex_request_approvers_1'],
    run: (ledger) =>
      ledger.findRequests({ approverSlackId: SUBJECTS.securityApprover, statuses: ['pending'] }),
  },
  {
    name: 'the requests waiting for an approver of a few requests are found among the pending ones',
    screen: 'pending & Home',
    indexes: ['requests_by_status_created', 'sqlite_autoindex_request_approvers_1'],
    run: (ledger) => ledger.findRequests({ approverSlackId: SUBJECTS.teamApprover, statuses: ['pending'] }),
  },
  {
    name: 'the approvals of the requests a Home tab lists are read by request',
    screen: 'pending & Home',
    indexes: ['sqlite_autoindex_approvals_1'],
    run: (ledger, { listedIds }) => ledger.listApprovalsOf!(listedIds),
  },
  {
    name: 'the grants of the requests a Home tab lists are read by request',
    screen: 'pending & Home',
    indexes: ['grants_request'],
    run: (ledger, { listedIds }) => ledger.findGrants({ requestIds: listedIds }),
  },
  {
    name: 'the session denials of the requests a Home tab lists are read by request',
    screen: 'pending & Home',
    indexes: ['session_denials_by_request'],
    run: (ledger, { listedIds }) => ledger.findSessionDenials({ requestIds: listedIds }),
  },
  {
    name: "a person's active grants and group memberships are found by requester and status",
    screen: 'pending & Home',
    indexes: ['grants_by_requester_status'],
    postgresIndexes: ['grants_by_requester_status'],
    run: (ledger) => myActiveGrants(ledger, SUBJECTS.heavyRequester),
  },
  {
    name: 'whether the people a change concerns opened their Home lately is read by person',
    screen: 'pending & Home',
    indexes: ['sqlite_autoindex_home_views_1'],
    run: (ledger) =>
      ledger.homeOpenedSince!(
        [SUBJECTS.heavyRequester, SUBJECTS.typicalRequester, 'U0000100'],
        new Date(SEED_NOW.getTime() - 7 * 24 * 3_600_000),
      ),
  },
  {
    name: 'the grants due to end now are found by status and end time',
    screen: 'expiry',
    indexes: ['grants_by_status_end'],
    postgresIndexes: ['grants_active_by_end'],
    run: (ledger) => ledger.findGrants({ statuses: ['active'], endsAtOrBefore: SEED_NOW }),
  },
  {
    name: 'the grants due for a reminder are found by status and end time',
    screen: 'expiry',
    indexes: ['grants_by_status_end'],
    postgresIndexes: ['grants_active_by_end'],
    run: (ledger) =>
      ledger.findGrants({
        statuses: ['active'],
        endsAtOrBefore: new Date(SEED_NOW.getTime() + REMINDER_BEFORE_MS),
        notReminded: true,
      }),
  },
  {
    name: 'the pending requests the scheduler checks for lapse and reminders are found by status',
    screen: 'expiry',
    indexes: ['requests_by_status_created'],
    run: (ledger) => ledger.findRequests({ statuses: ['pending'] }),
  },
  {
    name: 'a worker asking for a job when none is due finds none without reading the done ones',
    screen: 'expiry',
    indexes: ['jobs_due', 'jobs_request'],
    run: (ledger) => ledger.claimJob(SUBJECTS.owner, SEED_NOW, LEASE_MS),
  },
  {
    name: 'the moment the next job falls due is read from the queued and running jobs',
    screen: 'expiry',
    indexes: ['jobs_due'],
    run: (ledger) => ledger.nextJobDueAt(SUBJECTS.owner),
  },
  {
    name: 'the session denials waiting to be added are found by status',
    screen: 'expiry',
    indexes: ['session_denials_by_status'],
    run: (ledger) => ledger.findSessionDenials({ statuses: ['adding'] }),
  },
  {
    name: 'the session denials due to be lifted are found among those not lifted',
    screen: 'expiry',
    indexes: ['session_denials_lift_due'],
    postgresIndexes: ['session_denials_lift_due'],
    run: (ledger) => ledger.findSessionDenials({ liftDueBy: SEED_NOW }),
  },
  {
    name: 'the break-glass uses nobody has reviewed are found without reading the reviewed ones',
    screen: 'expiry',
    indexes: ['break_glass_by_review'],
    run: (ledger) => ledger.findBreakGlass({ unreviewed: true }),
  },
  {
    name: 'the audit events not yet posted to the audit channel are found without reading the posted ones',
    screen: 'expiry',
    indexes: ['audit_events_feed'],
    postgresIndexes: ['audit_events_feed'],
    run: (ledger) => ledger.listUnfedAudit(FEED_BATCH),
  },
];
