import { describe, expect, it } from 'vitest';
import {
  findTickets,
  ticketInputOf,
  ticketLink,
  ticketPatternProblem,
  ticketUrlProblem,
} from '../../src/domain/tickets.js';

const JIRA = { pattern: '[A-Z]+-\\d+', url: 'https://tracker.example.com/browse/{ticket}' };
const INCIDENT = { pattern: 'INC-\\d+', url: 'https://status.example.com/incidents/{ticket}' };
const TARGET = 'SeniorDeveloper on prod';

describe('ticket references a rule requires', () => {
  it('refuses a request without any ticket, naming the pattern and an example', () => {
    const check = findTickets([JIRA], { reason: 'fixing the outage' }, TARGET);
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.message).toContain('SeniorDeveloper on prod needs a ticket like ABC-123');
    expect(check.message).toContain('`[A-Z]+-\\d+`');
    expect(check.message).toContain('ticket:<reference>');
  });

  it('refuses a ticket given explicitly that does not match, rather than taking one from the reason', () => {
    const check = findTickets([JIRA], { ticket: 'abc-12', reason: 'see OPS-7' }, TARGET);
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.message).toContain('"abc-12" is not a ticket reference for SeniorDeveloper on prod');
  });

  it('refuses a `ticket:` word in the reason that does not match the pattern', () => {
    const check = findTickets([JIRA], { reason: 'ticket:12345 fixing the outage' }, TARGET);
    expect(check.ok).toBe(false);
  });

  it('refuses a ticket field longer than a reference, saying how long it may be', () => {
    const check = findTickets([JIRA], { ticket: 'A'.repeat(150) }, TARGET);
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.message).toContain('at most 100');
  });

  it('needs every rule’s pattern met when two rules require tickets', () => {
    const check = findTickets([JIRA, INCIDENT], { reason: 'ticket:OPS-42' }, TARGET);
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.message).toContain('INC-123');
  });

  it('finds the ticket in the reason, and links it through the rule’s template', () => {
    const check = findTickets([JIRA], { reason: 'rotating keys for SEC-42 today' }, TARGET);
    expect(check).toEqual({
      ok: true,
      tickets: [{ ref: 'SEC-42', url: 'https://tracker.example.com/browse/SEC-42', pattern: JIRA.pattern }],
    });
  });

  it('takes `ticket:SEC-42` in the reason, and a trailing comma is not part of it', () => {
    const check = findTickets([JIRA], { reason: 'ticket:SEC-42, rotating keys' }, TARGET);
    expect(check.ok && check.tickets.map((t) => t.ref)).toEqual(['SEC-42']);
  });

  it('takes the Ticket field over a different match in the reason', () => {
    const check = findTickets([JIRA], { ticket: 'OPS-9', reason: 'follows SEC-42' }, TARGET);
    expect(check.ok && check.tickets.map((t) => t.ref)).toEqual(['OPS-9']);
    expect(ticketInputOf(check.ok ? check.tickets : [])).toBe('OPS-9');
  });

  it('asks nothing when no rule requires a ticket', () => {
    expect(findTickets([], { reason: '' }, TARGET)).toEqual({ ok: true, tickets: [] });
  });

  it('encodes the reference in its link so that it cannot change the link', () => {
    expect(ticketLink({ pattern: '.+', url: 'https://t.example.com/{ticket}' }, 'a b/c?d')).toBe(
      'https://t.example.com/a%20b%2Fc%3Fd',
    );
  });
});

describe('ticket settings checked when the config is loaded', () => {
  it('refuses a pattern that does not compile, one that matches nothing, and a nested repeat', () => {
    expect(ticketPatternProblem('[A-Z')).toMatch(/is not a regular expression/);
    expect(ticketPatternProblem('\\d*')).toMatch(/matches an empty reference/);
    expect(ticketPatternProblem('(a+)+')).toMatch(/take forever/);
    expect(ticketPatternProblem('x'.repeat(201))).toMatch(/keep a ticket pattern under 200/);
    expect(ticketPatternProblem('[A-Z]+-\\d+')).toBeUndefined();
  });

  it('refuses a link template without {ticket}, or not https', () => {
    expect(ticketUrlProblem('https://tracker.example.com/browse/')).toMatch(/must contain \{ticket\}/);
    expect(ticketUrlProblem('http://tracker.example.com/{ticket}')).toMatch(/https/);
    expect(ticketUrlProblem('https://tracker.example.com/{ticket}|x')).toMatch(/must not contain/);
    expect(ticketUrlProblem(JIRA.url)).toBeUndefined();
  });
});
