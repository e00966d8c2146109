import { describe, expect, it } from 'vitest';
import { escapePeople, findMentions } from '../../src/console/mentions.js';

const people = [
  { id: 'U0000KIM01', name: 'kim.leaver', realName: 'Kim Leaver' },
  { id: 'U0000LEAD1', name: 'lena.lead', realName: 'Lena Lead' },
  { id: 'U0000LEAD2', name: 'leo.lead', realName: 'Leo Lead' },
  { id: 'U0000SAM01', name: 'sam.dev', realName: 'Sam Developer' },
];

describe('people named with @ in a typed command', () => {
  it('reads a real name with a space as one person, as Slack sends it to the bot', () => {
    expect(escapePeople('whois @Kim Leaver', people)).toBe('whois <@U0000KIM01|kim.leaver>');
    expect(escapePeople('offboard @kim leaver now', people)).toBe('offboard <@U0000KIM01|kim.leaver> now');
  });

  it('reads a handle, and a first or last name that only one person has', () => {
    expect(escapePeople('whois @kim.leaver.', people)).toBe('whois <@U0000KIM01|kim.leaver>.');
    expect(escapePeople('whois @Sam and @Developer', people)).toBe(
      'whois <@U0000SAM01|sam.dev> and <@U0000SAM01|sam.dev>',
    );
  });

  it('sends a name that several people share, or nobody has, as typed, as Slack does', () => {
    expect(findMentions('whois @Lead', people)).toMatchObject([
      { kind: 'ambiguous', typed: 'Lead', candidates: [{ name: 'lena.lead' }, { name: 'leo.lead' }] },
    ]);
    expect(escapePeople('whois @Lead', people)).toBe('whois @Lead');
    expect(escapePeople('request Developer dev 2h paged by @oncall', people)).toBe(
      'request Developer dev 2h paged by @oncall',
    );
    expect(findMentions('whois @Nobody Here', people)).toMatchObject([{ kind: 'unknown', typed: 'Nobody' }]);
  });

  it('leaves emails and @here alone', () => {
    expect(findMentions('whois kim.leaver@example.com @here', people)).toEqual([]);
    expect(escapePeople('whois @Kim Leaver and @lena.lead', people)).toBe(
      'whois <@U0000KIM01|kim.leaver> and <@U0000LEAD1|lena.lead>',
    );
  });
});
