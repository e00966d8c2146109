/**
 * What a person's Home tab shows, read fresh from the services: drawn the same way when they open the tab
 * and when something that concerns them changes.
 */
import type { types } from '@slack/bolt';
import type { AccessApi } from '../access/api.js';
import type { InsightApi, WhoisReport } from '../access/insight-api.js';
import type { Outcome } from '../access/api.js';
import type { GrantRecord } from '../access/ledger.js';
import { inBackground } from '../access/work-lane.js';
import { homeView } from './blocks/home.js';
import type { CardOptions } from './blocks/buttons.js';

export interface HomeSources {
  access: AccessApi;
  /** Absent: the Home tab leaves out "My access". */
  insight?: InsightApi;
}

/** How long a cached whois report may be reused by a change-triggered redraw. */
export const HOME_REPORT_TTL_MS = 60_000;
/** People whose report is kept at most; the oldest read is dropped first. */
export const HOME_REPORT_CACHE_SIZE = 5_000;

/**
 * The AWS-read part of Home tabs (the whois report: several Identity Center calls a person), kept in this process
 * so that a burst of changes does not spend AWS's rate budget, which provisioning shares, on the same reads
 * again. A report is reused only while the person's access-desk grants are as they were when it was read, and
 * for a minute at most (access given outside access-desk shows within that).
 */
export class HomeReportCache {
  private readonly entries = new Map<string, { grants: string; readAt: number; report: WhoisReport }>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly ttlMs = HOME_REPORT_TTL_MS,
    private readonly maxSize = HOME_REPORT_CACHE_SIZE,
  ) {}

  get(slackUserId: string, grants: string): WhoisReport | undefined {
    const entry = this.entries.get(slackUserId);
    if (entry === undefined) return undefined;
    if (entry.grants !== grants || this.now() - entry.readAt >= this.ttlMs) {
      this.entries.delete(slackUserId);
      return undefined;
    }
    return entry.report;
  }

  put(slackUserId: string, grants: string, report: WhoisReport): void {
    // Deleted first so that the Map's order stays the order of reads: the first key is the oldest.
    this.entries.delete(slackUserId);
    this.entries.set(slackUserId, { grants, readAt: this.now(), report });
    while (this.entries.size > this.maxSize) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }
}

/** What the cached report depends on in the ledger: the person's grants, their ids, status and ends. */
const grantsKey = (grants: readonly GrantRecord[] | undefined): string =>
  (grants ?? [])
    .map((g) => `${g.id}:${g.status}:${g.endsAt?.toISOString() ?? '-'}`)
    .sort()
    .join(',');

export interface HomeReportUse {
  cache: HomeReportCache;
  /** true: read the report fresh (the person opened the tab) and keep it; false: reuse a cached one if valid. */
  fresh: boolean;
}

export async function loadHomeView(
  sources: HomeSources,
  slackUserId: string,
  options: CardOptions = {},
  reports?: HomeReportUse,
): Promise<types.HomeView> {
  const [lists, myGrants] = await Promise.all([
    sources.access.pending(slackUserId),
    sources.insight?.myAccess(slackUserId),
  ]);
  const report = await readReport(sources, slackUserId, grantsKey(myGrants), reports);
  return homeView(lists, options, {
    ...(myGrants !== undefined ? { myGrants } : {}),
    ...(report?.ok === true ? { held: report.value.accounts } : {}),
    ...(report !== undefined && !report.ok ? { heldUnread: report.message } : {}),
    isAdmin: sources.access.isAdmin(slackUserId),
  });
}

/** All of their access, however given (as whois reads it); the grants alone when it cannot be read. */
async function readReport(
  sources: HomeSources,
  slackUserId: string,
  grants: string,
  reports: HomeReportUse | undefined,
): Promise<Outcome<WhoisReport> | undefined> {
  const { insight } = sources;
  if (insight === undefined) return undefined;
  const cached = reports !== undefined && !reports.fresh ? reports.cache.get(slackUserId, grants) : undefined;
  if (cached !== undefined) return { ok: true, value: cached };
  // A Home tab's AWS reads are background work: people's requests go first in AWS's budget.
  const report = await inBackground(() => insight.whois(slackUserId)).catch(
    (err: unknown): Outcome<WhoisReport> => ({
      ok: false,
      code: 'aws_unavailable',
      message: err instanceof Error ? err.message : 'Identity Center did not answer',
    }),
  );
  // A report that could not be read is not kept: the next drawing tries again.
  if (report.ok) reports?.cache.put(slackUserId, grants, report.value);
  return report;
}
