/**
 * Names from a form or a command line matched to config: roles, permission sets (with their ARN) and
 * accounts. Unknown names are refused with the closest known ones, never guessed.
 */
import type { AccessDeskConfig } from '../../config/types.js';
import { didYouMean, resolveName } from '../../domain/names.js';
import { escapeMrkdwn } from '../../domain/text.js';
import type { Outcome } from '../api.js';
import type { AccountRef } from '../ledger.js';
import type { Catalog } from '../ports.js';
import { ok, refuse } from './details.js';

/** One permission set on one account: the unit of an assignment step. */
export interface AssignmentTarget {
  permissionSet: string;
  permissionSetArn: string;
  account: AccountRef;
}

const suggest = (suggestions: string[]): string =>
  suggestions.length > 0 ? ` (${didYouMean(suggestions)})` : '';

export function resolveRole(config: AccessDeskConfig, input: string): Outcome<string> {
  const names = Object.keys(config.roles);
  const found = resolveName(input, names);
  if (found.ok) return ok(found.name);
  return refuse(
    'unknown_role',
    `There is no role called "${escapeMrkdwn(input)}"${suggest(found.suggestions)}. Known: ${names.join(', ')}.`,
  );
}

export function resolveAccount(config: AccessDeskConfig, input: string): Outcome<AccountRef> {
  const aliases = Object.keys(config.accounts);
  const byId = Object.entries(config.accounts).find(([, id]) => id === input.trim());
  if (byId !== undefined) return ok({ alias: byId[0], id: byId[1] });
  const found = resolveName(input, aliases);
  if (found.ok) return ok({ alias: found.name, id: config.accounts[found.name]! });
  return refuse(
    'unknown_account',
    `There is no account called "${escapeMrkdwn(input)}"${suggest(found.suggestions)}. Known: ${aliases.join(', ')}.`,
  );
}

/** Permission sets × accounts, as config names them, flattened and deduplicated. */
export async function resolveAssignments(
  config: AccessDeskConfig,
  catalog: Catalog,
  bundles: readonly { permissionSet: string; accounts: readonly string[] }[],
): Promise<Outcome<AssignmentTarget[]>> {
  const names = Object.keys(config.permissionSets);
  const out: AssignmentTarget[] = [];
  const arns = new Map<string, string>();
  for (const bundle of bundles) {
    const ps = resolveName(bundle.permissionSet, names);
    if (!ps.ok) {
      return refuse(
        'unknown_permission_set',
        `There is no permission set called "${escapeMrkdwn(bundle.permissionSet)}"${suggest(ps.suggestions)}. Known: ${names.join(', ')}.`,
      );
    }
    if (bundle.accounts.length === 0) {
      return refuse('unknown_account', `Name at least one account for ${ps.name}.`);
    }
    let arn = arns.get(ps.name);
    if (arn === undefined) {
      const found = await permissionSetArn(config, catalog, ps.name);
      if (!found.ok) return found;
      arn = found.value;
      arns.set(ps.name, arn);
    }
    for (const input of bundle.accounts) {
      const account = resolveAccount(config, input);
      if (!account.ok) return account;
      if (!out.some((t) => t.permissionSetArn === arn && t.account.id === account.value.id)) {
        out.push({ permissionSet: ps.name, permissionSetArn: arn, account: account.value });
      }
    }
  }
  return ok(out);
}

async function permissionSetArn(
  config: AccessDeskConfig,
  catalog: Catalog,
  name: string,
): Promise<Outcome<string>> {
  const configured = config.permissionSets[name]?.arn;
  if (configured !== undefined) return ok(configured);
  const found = await catalog.permissionSetByName(name);
  if (found.ok) return ok(found.value.arn);
  if (found.error.code === 'not_found') {
    return refuse(
      'unknown_permission_set',
      `${name} is in the access-desk config but not in Identity Center. Fix the config or create it first.`,
    );
  }
  return refuse('aws_unavailable', `I could not read the permission sets from AWS: ${found.error.message}`);
}

/** The distinct accounts of some targets, in order: the accounts a request involves. */
export function accountsOf(targets: readonly { account: AccountRef }[]): AccountRef[] {
  const out: AccountRef[] = [];
  for (const t of targets) if (!out.some((a) => a.id === t.account.id)) out.push(t.account);
  return out;
}

export const assignStepId = (kind: 'assign' | 'unassign', t: AssignmentTarget): string =>
  `${kind}:${t.account.alias}:${t.permissionSet}`;
