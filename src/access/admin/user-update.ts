/**
 * People's details (`/access user update`, `/access welcome`): a person's names and primary email changed as
 * admin work (checked, judged by the rules, recorded with what changes from what to what, then one durable
 * UpdateUser step: src/access/admin/user-update-step.ts), and the welcome email sent again.
 *
 * The user name never changes: Identity Center keeps it immutable, and people sign in with it. A new email must be
 * well formed, in a trusted domain (as onboarding checks) and no other user's; it becomes the primary (and only)
 * email, which is also what access-desk matches Slack people by.
 */
import type { Logger } from '../../log.js';
import type { DirectoryUser } from '../../domain/identity.js';
import { isEmailAddress } from '../../domain/email.js';
import { escapeMrkdwn, joinWords, LIMITS } from '../../domain/text.js';
import type { AdminRequestDetails } from '../admin-api.js';
import type { Outcome } from '../api.js';
import { requestMadeByClick } from '../made-by-click.js';
import type { RequestView } from '../notifier.js';
import type {
  PeopleApi,
  UserChange,
  UserField,
  UserUpdateInput,
  UserUpdatePreview,
  WelcomeResent,
} from '../people-api.js';
import { buildView } from '../views.js';
import type { AdminServiceDeps } from './deps.js';
import { ok, pendingStep, refuse } from './details.js';
import { decideAdmin, recordAdminRequest, type Approval } from './record.js';
import { findPerson, slackIdsOf, type Person } from './subject.js';
import { sendWelcomeEmail } from './welcome.js';

/** Identity Center takes up to 1,024 characters; a name on a card and in an email is far shorter. */
export const USER_LIMITS = { name: 64, displayName: 128 } as const;

/** How each field is named in a sentence. */
export const FIELD_NAMES: Readonly<Record<UserField, string>> = {
  givenName: 'first name',
  familyName: 'last name',
  displayName: 'display name',
  email: 'email',
};

const FIELDS: readonly UserField[] = ['givenName', 'familyName', 'displayName', 'email'];

/** A field's value as Identity Center has it now ('' when it has none). */
export function currentValue(user: DirectoryUser, field: UserField): string {
  switch (field) {
    case 'givenName':
      return user.givenName ?? '';
    case 'familyName':
      return user.familyName ?? '';
    case 'displayName':
      return user.displayName;
    case 'email':
      return user.email ?? '';
  }
}

/** Emails are the same whatever their case (Identity Center matches them so); names are compared as typed. */
export const sameValue = (field: UserField, a: string, b: string): boolean =>
  field === 'email' ? a.toLowerCase() === b.toLowerCase() : a === b;

/** How many of the latest audit events a welcome click run again looks through for its own. */
const RECENT_AUDIT = 500;

type Checked = { value: string } | { error: string };

function checkName(raw: string, label: string, max: number): Checked {
  const value = raw.trim();
  if (value === '') return { error: `Give their ${label}: Identity Center needs one.` };
  if (value.length > max) return { error: `Keep the ${label} to ${max} characters.` };
  // Names go to the identity store, onto cards and into emails: no markup, no control characters.
  if (/[<>\p{Cc}]/u.test(value)) return { error: `The ${label} cannot contain < > or control characters.` };
  return { value };
}

export class PeopleWork implements PeopleApi {
  private readonly log: Logger;

  constructor(private readonly deps: AdminServiceDeps) {
    this.log = deps.logger.child({ module: 'admin.people' });
  }

  // ---------- user update ----------

  async previewUserUpdate(adminSlackId: string, who: string): Promise<Outcome<UserUpdatePreview>> {
    const admin = this.checkAdmin(adminSlackId, 'change people’s details');
    if (!admin.ok) return admin;
    const person = await this.person(who);
    if (!person.ok) return person;
    // Refused now, before the form opens, when the rules offer no way to approve it. No reason is known yet:
    // the rules asking for one only makes the form's reason required.
    const approval = await this.judge(adminSlackId, person.value, [], undefined);
    if (!approval.ok && approval.code !== 'reason_required') return approval;
    return ok({
      user: person.value.user,
      email: person.value.email,
      reasonRequired: !approval.ok,
    });
  }

  async submitUserUpdate(
    adminSlackId: string,
    input: UserUpdateInput,
    clickId?: string,
  ): Promise<Outcome<RequestView>> {
    const admin = this.checkAdmin(adminSlackId, 'change people’s details');
    if (!admin.ok) return admin;
    if (clickId !== undefined) {
      const again = await requestMadeByClick(this.deps.ledger, adminSlackId, 'user_update', clickId);
      if (again !== undefined) return this.view(again.id);
    }
    const reason = (input.reason ?? '').trim();
    if (reason.length > LIMITS.reason)
      return refuse('reason_too_long', `Keep the reason under ${LIMITS.reason} characters.`);
    const person = await this.person(input.who);
    if (!person.ok) return person;
    const { user } = person.value;
    if (user.id !== input.userId) {
      return refuse(
        'invalid_input',
        `${escapeMrkdwn(input.who)} is no longer the person this form was opened for, so nothing was changed. Run \`/access user update\` again.`,
      );
    }
    const wanted = this.checkValues(input);
    if (!wanted.ok) return wanted;
    const changes = FIELDS.flatMap((field): UserChange[] => {
      const from = currentValue(user, field);
      const to = wanted.value[field];
      return sameValue(field, from, to) ? [] : [{ field, from, to }];
    });
    if (changes.length === 0) {
      return refuse(
        'already_held',
        `Nothing changes: ${escapeMrkdwn(person.value.email)}’s names and email in Identity Center are already exactly these. Nothing was recorded.`,
      );
    }
    const email = changes.find((c) => c.field === 'email');
    if (email !== undefined) {
      const free = await this.emailIsFree(email.to, user.id);
      if (!free.ok) return free;
    }
    const approval = await this.judge(
      adminSlackId,
      person.value,
      email === undefined ? [] : [email.to],
      reason === '' ? undefined : reason,
    );
    if (!approval.ok) return approval;
    return this.record(adminSlackId, person.value, changes, reason, approval.value, clickId);
  }

  // ---------- welcome email ----------

  async resendWelcome(adminSlackId: string, who: string, clickId?: string): Promise<Outcome<WelcomeResent>> {
    const admin = this.checkAdmin(adminSlackId, 'send the welcome email');
    if (!admin.ok) return admin;
    const already = clickId === undefined ? undefined : await this.sentByClick(clickId);
    if (already !== undefined) return ok(already);
    const person = await this.person(who);
    if (!person.ok) return person;
    const { user } = person.value;
    if (user.status === 'DISABLED') {
      return refuse(
        'invalid_input',
        `${escapeMrkdwn(person.value.email)} is disabled in Identity Center: they cannot sign in, so a welcome email would promise what they cannot use. Enable them in the IAM Identity Center console (Users → ${escapeMrkdwn(user.userName)} → Enable user access) first.`,
      );
    }
    const to = (user.email ?? person.value.email).toLowerCase();
    if (!isEmailAddress(to)) {
      return refuse(
        'invalid_input',
        `${escapeMrkdwn(user.userName)} has no email address in Identity Center to send it to. Give them one with \`/access user update\` first.`,
      );
    }
    const welcome = await sendWelcomeEmail(
      this.deps,
      { userId: user.id, userName: user.userName, displayName: user.displayName, to },
      { again: true },
    );
    if (welcome.step === 'read') return welcome.outcome;
    if (!welcome.outcome.ok)
      return refuse('aws_unavailable', `SES did not send the email: ${welcome.outcome.error.message}`);
    const { messageId } = welcome.outcome.value;
    const { access } = welcome;
    await this.deps.ledger.appendAudit({
      at: this.deps.clock.now(),
      actor: adminSlackId,
      action: 'email.welcome_resent',
      details: {
        to,
        userId: user.id,
        userName: user.userName,
        messageId,
        displayName: user.displayName,
        groups: access.groups,
        assignments: access.assignments.length,
        ...(clickId !== undefined ? { clickId } : {}),
      },
    });
    this.log.info({ userId: user.id, messageId }, 'welcome email sent again');
    return ok({
      to,
      userName: user.userName,
      displayName: user.displayName,
      messageId,
      groups: access.groups.length,
      assignments: access.assignments.length,
    });
  }

  // ---------- helpers ----------

  /**
   * The email a recorded `/access welcome` already sent, when it runs again: after a crash between the send and
   * the end of its job, the job runner runs it within a lease or two, so the latest audit events are enough to
   * look at. (A crash between SES's answer and the audit event can still send it twice, as for onboarding.)
   */
  private async sentByClick(clickId: string): Promise<WelcomeResent | undefined> {
    const recent = await this.deps.ledger.listAudit({ limit: RECENT_AUDIT });
    const event = recent.find((e) => e.action === 'email.welcome_resent' && e.details.clickId === clickId);
    if (event === undefined) return undefined;
    const d = event.details;
    const text = (v: unknown): string => (typeof v === 'string' ? v : '');
    return {
      to: text(d.to),
      userName: text(d.userName),
      displayName: text(d.displayName),
      messageId: text(d.messageId),
      groups: Array.isArray(d.groups) ? d.groups.length : 0,
      assignments: typeof d.assignments === 'number' ? d.assignments : 0,
    };
  }

  /** The new values, trimmed and checked: names present and plain, the email well formed and trusted. */
  private checkValues(input: UserUpdateInput): Outcome<Record<UserField, string>> {
    const names: Partial<Record<UserField, string>> = {};
    for (const field of ['givenName', 'familyName', 'displayName'] as const) {
      const max = field === 'displayName' ? USER_LIMITS.displayName : USER_LIMITS.name;
      const checked = checkName(input[field], FIELD_NAMES[field], max);
      if ('error' in checked) return refuse('invalid_input', checked.error);
      names[field] = checked.value;
    }
    const email = input.email.trim().toLowerCase();
    if (!isEmailAddress(email)) {
      return refuse(
        'invalid_input',
        `${escapeMrkdwn(email)} is not an email address: give it as name@domain.`,
      );
    }
    const { trustedEmailDomains } = this.deps.config;
    const domain = email.split('@')[1] ?? '';
    if (!trustedEmailDomains.some((d) => d.toLowerCase() === domain)) {
      return refuse(
        'untrusted_domain',
        `${escapeMrkdwn(email)} is not in a trusted domain (${trustedEmailDomains.join(', ')}): people’s primary email is their work email, which is what Slack people are matched by.`,
      );
    }
    return ok({
      givenName: names.givenName ?? '',
      familyName: names.familyName ?? '',
      displayName: names.displayName ?? '',
      email,
    });
  }

  /** No other user has the email (Identity Center keeps emails unique, and matching people relies on it). */
  private async emailIsFree(email: string, userId: string): Promise<Outcome<void>> {
    const found = await this.deps.directory.findUserByEmail(email);
    if (!found.ok)
      return refuse('aws_unavailable', `I could not look up ${escapeMrkdwn(email)}: ${found.error.message}`);
    if (found.value !== undefined && found.value.id !== userId) {
      return refuse(
        'user_exists',
        `${escapeMrkdwn(email)} is already the email of another Identity Center user (${escapeMrkdwn(found.value.userName)}): an email belongs to one person. Nothing was recorded.`,
      );
    }
    return ok(undefined);
  }

  /**
   * The rules' decision for a change of details: it grants nothing and touches no account, so rules matching
   * `kinds: [user_update]` (or every request) decide it. The person never approves it, by any Slack account known
   * to be theirs, under the old email or the new one.
   */
  private judge(
    adminSlackId: string,
    person: Person,
    newEmails: readonly string[],
    reason: string | undefined,
  ): Promise<Outcome<Approval>> {
    const { config, people } = this.deps;
    const excluded = [person.email, ...newEmails].flatMap((e) =>
      slackIdsOf(config.people, e, person.slackUserId),
    );
    return decideAdmin(
      config,
      people,
      {
        kind: 'user_update',
        requesterSlackId: adminSlackId,
        excludedApprovers: [...new Set(excluded)],
        ...(reason !== undefined ? { reason } : {}),
      },
      { touches: [] },
    );
  }

  private async record(
    adminSlackId: string,
    person: Person,
    changes: UserChange[],
    reason: string,
    approval: Approval,
    clickId: string | undefined,
  ): Promise<Outcome<RequestView>> {
    const email = person.email.toLowerCase();
    const fields = joinWords(changes.map((c) => FIELD_NAMES[c.field]));
    const recorded = await recordAdminRequest(
      this.deps.ledger,
      this.deps.config,
      {
        kind: 'user_update',
        adminSlackId,
        permissionSet: '',
        accounts: [],
        reason: reason === '' ? null : reason,
        details: {
          subject: this.subjectOf(person),
          touches: [],
          changes,
          ...(clickId !== undefined ? { clickId } : {}),
          steps: [
            pendingStep({
              id: 'update_user',
              kind: 'update_user',
              label: `Change the ${fields} in Identity Center`,
            }),
          ],
        },
        sameWork: {
          key: (d: Partial<AdminRequestDetails>) => d.subject?.email?.toLowerCase(),
          says: `a change of ${escapeMrkdwn(email)}’s details`,
        },
      },
      approval,
      this.deps.clock.now(),
    );
    if (!recorded.ok) return recorded;
    this.log.info(
      { requestId: recorded.value.id, fields: changes.map((c) => c.field), auto: approval.autoApprove },
      'user update submitted',
    );
    this.deps.wake?.();
    return this.view(recorded.value.id);
  }

  private checkAdmin(slackId: string, what: string): Outcome<void> {
    if (this.deps.config.admins.includes(slackId)) return ok(undefined);
    const admins = this.deps.config.admins.map((id) => `<@${id}>`).join(' ');
    return refuse('not_admin', `Only admins may ${what}. Ask one of ${admins}.`);
  }

  private person(who: string): Promise<Outcome<Person>> {
    return findPerson(this.deps.directory, this.deps.identities, who);
  }

  private subjectOf(person: Person): AdminRequestDetails['subject'] {
    const [slackUserId] = slackIdsOf(this.deps.config.people, person.email, person.slackUserId);
    return {
      email: person.email,
      displayName: person.user.displayName,
      userId: person.user.id,
      ...(slackUserId !== undefined ? { slackUserId } : {}),
    };
  }

  private async view(requestId: string): Promise<Outcome<RequestView>> {
    const view = await buildView(this.deps.ledger, this.deps.catalog, requestId, this.deps.config.sessions);
    if (view === undefined) throw new Error(`request ${requestId} vanished after it was written`);
    return ok(view);
  }
}
