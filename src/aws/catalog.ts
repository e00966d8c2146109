/**
 * The Identity Center instance and its permission sets (name ↔ ARN, description, session duration), read from
 * AWS and kept for a while: permission sets change rarely and every lookup would otherwise cost sso-admin calls
 * that share one 20/s budget with assignment work.
 */
import {
  DescribePermissionSetCommand,
  ListPermissionSetsCommand,
  type PermissionSet as AwsPermissionSet,
  type SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import type { AwsOutcome, Catalog } from '../access/ports.js';
import type { IdentityCenterInstance, PermissionSet } from '../domain/identity.js';
import { send, type CallContext } from './call.js';
import { failure } from './errors.js';
import type { InstanceResolver } from './instance.js';
import { mapLimited, pageAll } from './paging.js';

export interface CatalogOptions {
  /** How long the permission sets read from AWS are trusted. */
  ttlMs: number;
  /** DescribePermissionSet calls at once (they still pass the sso-admin limiter). */
  describeConcurrency: number;
  /** A name or ARN not in a cache at least this old makes the catalog read AWS again before saying no. */
  refreshOnMissAfterMs: number;
}

export const defaultCatalogOptions: CatalogOptions = {
  ttlMs: 10 * 60_000,
  describeConcurrency: 4,
  refreshOnMissAfterMs: 30_000,
};

const DEFAULT_SESSION = 'PT1H';

/** Hours in an ISO 8601 duration such as `PT1H`, `PT2H30M`, `PT90M`; an unreadable one counts as the 12 h maximum. */
export function sessionHoursOf(duration: string): number {
  const match = /^PT(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?$/.exec(duration);
  if (match === null || duration === 'PT') return 12; // assume the longest: it bounds how long sessions outlive access
  const [, h = '0', m = '0', s = '0'] = match;
  return Number(h) + Number(m) / 60 + Number(s) / 3600;
}

export function toPermissionSet(ps: AwsPermissionSet): PermissionSet {
  const sessionDuration = ps.SessionDuration ?? DEFAULT_SESSION;
  return {
    arn: ps.PermissionSetArn ?? '',
    name: ps.Name ?? '',
    ...(ps.Description !== undefined && ps.Description !== '' ? { description: ps.Description } : {}),
    sessionDuration,
    sessionHours: sessionHoursOf(sessionDuration),
  };
}

export class AwsCatalog implements Catalog {
  private cache: { loadedAt: number; sets: PermissionSet[] } | undefined;
  private loading: Promise<AwsOutcome<PermissionSet[]>> | undefined;

  constructor(
    private readonly ctx: CallContext,
    private readonly client: SSOAdminClient,
    private readonly resolveInstance: InstanceResolver,
    private readonly options: CatalogOptions = defaultCatalogOptions,
  ) {}

  instance(): Promise<AwsOutcome<IdentityCenterInstance>> {
    return this.resolveInstance();
  }

  async permissionSets(): Promise<AwsOutcome<PermissionSet[]>> {
    const cache = this.cache;
    if (cache !== undefined && this.ctx.clock.now() - cache.loadedAt < this.options.ttlMs) {
      return { ok: true, value: cache.sets };
    }
    return this.refresh();
  }

  /** Concurrent callers share one read. */
  refresh(): Promise<AwsOutcome<PermissionSet[]>> {
    this.loading ??= this.load().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  permissionSetByName(name: string): Promise<AwsOutcome<PermissionSet>> {
    return this.find(
      (sets) => sets.find((p) => p.name === name) ?? uniqueCaseInsensitive(sets, name),
      (sets) =>
        failure(
          'not_found',
          `No permission set is named ${name}. Known permission sets: ${
            sets
              .map((p) => p.name)
              .sort()
              .join(', ') || 'none'
          }.`,
          { resource: name },
        ),
    );
  }

  permissionSetByArn(arn: string): Promise<AwsOutcome<PermissionSet>> {
    return this.find(
      (sets) => sets.find((p) => p.arn === arn),
      () =>
        failure('not_found', `No permission set has the ARN ${arn} in this Identity Center instance.`, {
          resource: arn,
        }),
    );
  }

  private async find(
    pick: (sets: PermissionSet[]) => PermissionSet | undefined,
    missing: (sets: PermissionSet[]) => ReturnType<typeof failure>,
  ): Promise<AwsOutcome<PermissionSet>> {
    let sets = await this.permissionSets();
    if (!sets.ok) return sets;
    let found = pick(sets.value);
    const age = this.ctx.clock.now() - (this.cache?.loadedAt ?? 0);
    if (found === undefined && age >= this.options.refreshOnMissAfterMs) {
      sets = await this.refresh();
      if (!sets.ok) return sets;
      found = pick(sets.value);
    }
    return found !== undefined ? { ok: true, value: found } : { ok: false, error: missing(sets.value) };
  }

  private async load(): Promise<AwsOutcome<PermissionSet[]>> {
    const instance = await this.resolveInstance();
    if (!instance.ok) return instance;
    const { instanceArn } = instance.value;
    const arns = await pageAll(
      (token) =>
        send(this.ctx, { service: 'sso-admin', operation: 'ListPermissionSets', safeToRetry: true }, () =>
          this.client.send(
            new ListPermissionSetsCommand({ InstanceArn: instanceArn, NextToken: token, MaxResults: 100 }),
          ),
        ),
      (page) => ({ items: page.PermissionSets, next: page.NextToken }),
      'ListPermissionSets',
    );
    if (!arns.ok) return arns;
    const described = await mapLimited(arns.value, this.options.describeConcurrency, async (arn) => {
      const sent = await send(
        this.ctx,
        { service: 'sso-admin', operation: 'DescribePermissionSet', safeToRetry: true, resource: arn },
        () =>
          this.client.send(
            new DescribePermissionSetCommand({ InstanceArn: instanceArn, PermissionSetArn: arn }),
          ),
      );
      if (!sent.ok) return { ok: false, error: sent.failure };
      return { ok: true, value: toPermissionSet({ PermissionSetArn: arn, ...sent.value.PermissionSet }) };
    });
    if (!described.ok) return described;
    const sets = described.value.sort((a, b) => a.name.localeCompare(b.name));
    this.cache = { loadedAt: this.ctx.clock.now(), sets };
    this.ctx.logger.info({ permissionSets: sets.length }, 'permission sets read');
    return { ok: true, value: sets };
  }
}

function uniqueCaseInsensitive(sets: PermissionSet[], name: string): PermissionSet | undefined {
  const matches = sets.filter((p) => p.name.toLowerCase() === name.toLowerCase());
  return matches.length === 1 ? matches[0] : undefined;
}
