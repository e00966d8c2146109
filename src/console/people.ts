/**
 * The people of the sandbox's Slack workspace: every Slack user the config names (people, approvers, admins),
 * with the name and title Identity Center has for them, and their part in access-desk as the config gives it.
 */
import type { AccessDeskConfig } from '../config/types.js';
import type { ConsolePerson, Conversation } from './workspace.js';

export interface DirectoryPerson {
  email: string;
  givenName?: string;
  familyName?: string;
  title?: string;
}

export function consolePeople(config: AccessDeskConfig, directory: DirectoryPerson[]): ConsolePerson[] {
  const ids = new Set<string>([
    ...Object.keys(config.people),
    ...Object.values(config.approvers).flatMap((g) => g.users),
    ...config.admins,
  ]);
  return [...ids].map((id) => {
    const email = config.people[id] ?? `${id.toLowerCase()}@example.com`;
    const found = directory.find((d) => d.email.toLowerCase() === email.toLowerCase());
    const realName =
      [found?.givenName, found?.familyName].filter(Boolean).join(' ') || email.split('@')[0] || id;
    const approves = Object.entries(config.approvers)
      .filter(([, group]) => group.users.includes(id))
      .map(([name]) => name);
    const admin = config.admins.includes(id);
    const roles: ConsolePerson['roles'] = ['requester'];
    if (approves.includes('leads')) roles.push('lead');
    if (approves.length > 0) roles.push('approver');
    if (admin) roles.push('admin');
    const parts = [found?.title ?? 'Member'];
    if (approves.length > 0) parts.push(`approves (${approves.join(', ')})`);
    if (admin) parts.push('access-desk admin');
    return {
      id,
      name: email.split('@')[0] ?? id,
      realName,
      email,
      title: found?.title ?? '',
      roles,
      roleText: parts.join(' · '),
    };
  });
}

/** The channels the config names (approvals, audit, security, a rule's own), plus #general to type commands in. */
export function consoleChannels(config: AccessDeskConfig): Conversation[] {
  const channels: Conversation[] = [{ id: 'C0000GENERAL', name: 'general', kind: 'channel' }];
  const add = (id: string | undefined, name: string): void => {
    if (id === undefined || channels.some((c) => c.id === id)) return;
    channels.push({ id, name, kind: 'channel' });
  };
  add(config.channels.approvals, 'access-approvals');
  add(config.channels.audit, 'access-audit');
  add(config.channels.security, 'access-security');
  for (const rule of config.rules) add(rule.channel, `approvals-${rule.index}`);
  return channels;
}
