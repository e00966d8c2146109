import { describe, expect, it } from 'vitest';
import type { AccessDeskConfig } from '../../src/config/types.js';
import { consoleChannels } from '../../src/console/people.js';

const config = (channels: AccessDeskConfig['channels']): AccessDeskConfig =>
  ({ channels, rules: [] }) as unknown as AccessDeskConfig;

describe('the channels of the sandbox console', () => {
  it('has the security channel the config names, where the bot posts the copy of a break-glass card', () => {
    const channels = consoleChannels(
      config({ approvals: 'C0000APPROV', audit: 'C0000AUDIT', security: 'C0000SECURE' }),
    );
    expect(channels.map((c) => `${c.id} #${c.name}`)).toEqual([
      'C0000GENERAL #general',
      'C0000APPROV #access-approvals',
      'C0000AUDIT #access-audit',
      'C0000SECURE #access-security',
    ]);
  });

  it('has no security channel when the config names none', () => {
    expect(consoleChannels(config({ approvals: 'C0000APPROV' })).map((c) => c.name)).toEqual([
      'general',
      'access-approvals',
    ]);
  });
});
