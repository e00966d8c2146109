import { describe, expect, it } from 'vitest';
import {
  approverPeople,
  escalationText,
  onCallBlocks,
  ticketText,
} from '../../src/slack/blocks/follow-up-text.js';

const LENA = 'U0000LEAD1';
const SEC = 'U0000SEC01';
const text = (blocks: unknown): string => JSON.stringify(blocks);

describe('what cards and messages say of a request’s follow-ups', () => {
  it('never mentions a quiet approver, naming their group instead', () => {
    const request = { details: { quiet: { approvers: [SEC], groups: ['secops'] } } };
    const said = approverPeople(request, [LENA, SEC]);
    expect(said).toBe(`<@${LENA}> or anyone in *secops* (not pinged)`);
    expect(said).not.toContain(SEC);
  });

  it('mentions everyone when no group is quiet', () => {
    expect(approverPeople({ details: {} }, [LENA, SEC])).toBe(`<@${LENA}> <@${SEC}>`);
  });

  it('links each ticket, and a reference cannot break out of its link', () => {
    const request = {
      details: { tickets: [{ ref: 'SEC-1|<x>', url: 'https://t.example.com/SEC-1%7C', pattern: '.+' }] },
    };
    expect(ticketText(request)).toBe('<https://t.example.com/SEC-1%7C|SEC-1¦&lt;x&gt;>');
  });

  it('says why a request was not approved on call when a schedule could not be read', () => {
    const request = {
      details: {
        onCall: {
          schedules: ['production'],
          onCall: [],
          unavailable: [{ schedule: 'production', why: 'PagerDuty is failing (503)' }],
        },
      },
    };
    expect(text(onCallBlocks(request))).toContain(
      'Not approved on call: *production* could not be checked (PagerDuty is failing (503)), so it went to the approvers',
    );
  });

  it('says nothing when the requester was simply not on call', () => {
    expect(onCallBlocks({ details: { onCall: { schedules: ['production'], onCall: [] } } })).toEqual([]);
  });

  it('says the request was approved at once because the requester is on call', () => {
    const request = { details: { onCall: { schedules: ['production'], onCall: ['production'] } } };
    expect(text(onCallBlocks(request))).toContain('Approved at once: on call now in *production*');
  });

  it('says to whom a request escalated, once it has', () => {
    expect(escalationText({ details: {} })).toBe('');
    expect(
      escalationText({
        details: { escalation: { groups: ['admins'], at: '2026-12-07T12:00:00Z', approvers: [] } },
      }),
    ).toBe(' · escalated to *admins*');
  });
});
