/**
 * The config keys of a rule's follow-ups: `requireTicket` (a ticket reference the request must carry, linked on
 * the card) and `remind` (approvers reminded, then the request escalated to another approver group). Checked
 * here, at load, so that a pattern that does not compile, or could take forever, never reaches a request.
 */
import { z } from 'zod';
import { ticketPatternProblem, ticketUrlProblem } from '../domain/tickets.js';
import { span, text } from './fields.js';

/** `requireTicket: { pattern: '[A-Z]+-\d+', url: 'https://tracker.example.com/browse/{ticket}' }`. */
export const requireTicket = z.strictObject({
  /** A JavaScript regular expression (no flags) a reference must match: `[A-Z]+-\d+`. */
  pattern: z.string().superRefine((pattern, ctx) => {
    const problem = ticketPatternProblem(pattern);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  }),
  /** The ticket's link, with `{ticket}` where the reference goes: https only. */
  url: z.string().superRefine((url, ctx) => {
    const problem = ticketUrlProblem(url);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  }),
});

/** `remind: { after: 30m, escalateAfter: 2h, escalateTo: [admins] }`. */
export const remind = z
  .strictObject({
    /** How long a pending request waits before its approvers are reminded (a thread reply on the card). */
    after: span,
    /** How long before it escalates: the `escalateTo` groups may approve too from then on. */
    escalateAfter: span.optional(),
    /** Approver groups (keys of `approvers`) it escalates to. */
    escalateTo: z.array(text).min(1, 'name at least one approver group, or leave the key out').optional(),
  })
  .superRefine((r, ctx) => {
    if ((r.escalateAfter === undefined) !== (r.escalateTo === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [r.escalateAfter === undefined ? 'escalateAfter' : 'escalateTo'],
        message: 'escalateAfter and escalateTo go together: say when it escalates and to whom, or neither',
      });
    }
    if (r.escalateAfter !== undefined && r.escalateAfter <= r.after) {
      ctx.addIssue({
        code: 'custom',
        path: ['escalateAfter'],
        message: 'must be longer than `after`: approvers are reminded first, and escalation comes later',
      });
    }
  });

/** `notify: false` on an approver group: its members may approve but are never pinged. */
export const notify = z.boolean().optional();
