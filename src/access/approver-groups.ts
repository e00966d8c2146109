/**
 * The approver groups as they are now: each configured group's Slack ids, with the members of its Slack user
 * group looked up at this moment (so someone removed from the user group stops approving at once).
 */
import type { AccessDeskConfig } from '../config/types.js';
import type { SlackPeople } from './people.js';

export async function approverGroupsNow(
  config: Pick<AccessDeskConfig, 'approvers'>,
  people: SlackPeople,
): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const [name, group] of Object.entries(config.approvers)) {
    const members = group.usergroup === undefined ? [] : await people.usergroupMembers(group.usergroup);
    out[name] = [...new Set([...group.users, ...members])];
  }
  return out;
}
