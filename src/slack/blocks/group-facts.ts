/**
 * The facts a group change or a new group adds to its card: the group, its description, and what it carries as
 * shown when it was asked for. Read defensively from the request's details (JSON from the ledger); nothing for
 * any other kind of request. Pure; all user text escaped here.
 */
import type { RequestRecord } from '../../access/ledger.js';
import { escapeMrkdwn, truncate } from '../../domain/text.js';
import { carriesText } from './group-messages.js';

/** Slack's limit on one field's text, with room to spare. */
const FIELD_MAX = 1900;

interface GroupDetails {
  name: string;
  description?: string;
  action: string;
  carries: { permissionSet: string; accountAlias: string }[];
}

function readGroup(request: RequestRecord): GroupDetails | undefined {
  const raw = (request.details as { group?: unknown }).group;
  if (typeof raw !== 'object' || raw === null) return undefined;
  const g = raw as Record<string, unknown>;
  if (typeof g.name !== 'string') return undefined;
  const carries = Array.isArray(g.carries)
    ? g.carries.filter(
        (c): c is { permissionSet: string; accountAlias: string } =>
          typeof c === 'object' &&
          c !== null &&
          typeof (c as Record<string, unknown>).permissionSet === 'string' &&
          typeof (c as Record<string, unknown>).accountAlias === 'string',
      )
    : [];
  return {
    name: g.name,
    ...(typeof g.description === 'string' && g.description.trim() !== ''
      ? { description: g.description }
      : {}),
    action: typeof g.action === 'string' ? g.action : 'add',
    carries,
  };
}

/** Whether the card names a person: a new group is about no one. */
export const hasPerson = (request: RequestRecord): boolean => request.kind !== 'group_create';

/** `*Group*`, and for a change what the group carries; for a new group its description. */
export function groupFacts(request: RequestRecord): string[] {
  if (request.kind !== 'group_change' && request.kind !== 'group_create') return [];
  const group = readGroup(request);
  if (group === undefined) return [];
  const facts = [`*Group*\n*${escapeMrkdwn(truncate(group.name, 200))}*`];
  if (request.kind === 'group_create') {
    if (group.description !== undefined) {
      facts.push(`*Description*\n${escapeMrkdwn(truncate(group.description, FIELD_MAX))}`);
    }
    return facts;
  }
  const verb = group.action === 'remove' ? 'Leaving it takes away' : 'Joining it gives';
  facts.push(`*${verb}*\n${truncate(carriesText(group.carries), FIELD_MAX)}`);
  return facts;
}
