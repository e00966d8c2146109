/**
 * The IAM-to-SSO migration (src/access/migration-api.ts): the email and the person's message, their answer, the
 * removal of their legacy IAM user once they confirm, and the list of those still waiting.
 *
 * The ledger's migration record (src/access/legacy-migrations.ts) is what makes each effect happen once: the row
 * is written before anything is sent; the email goes only while `emailedAt` is empty and is marked sent in the
 * same transaction as its audit event; the message is posted only while `dm` is empty; a confirmation and a call
 * for help are compare-and-sets. A recorded `/access migrate` run again (after a crash) finds its row by the
 * click's id and carries on from where it stopped. SES takes no idempotency key: a crash in the instant between
 * SES accepting the email and the ledger recording it sends it again on resume (never otherwise).
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from '../../log.js';
import { DAY } from '../../domain/duration.js';
import { LIMITS, dayMrkdwn, escapeMrkdwn, mention } from '../../domain/text.js';
import { renderMigrationEmail } from '../../email/migration.js';
import type { Outcome } from '../api.js';
import { RetryLater, TRANSIENT } from '../jobs.js';
import type { CardRef, LedgerTx, RequestRecord } from '../ledger.js';
import type { LegacyMigrationRecord } from '../legacy-migrations.js';
import type { MigrationApi, MigrationDone, WaitingMigration } from '../migration-api.js';
import type { RequestView } from '../notifier.js';
import { buildView } from '../views.js';
import type { AdminServiceDeps } from './deps.js';
import { ok, refuse } from './details.js';
import { recordLegacyRemoval, removableIamUser } from './legacy-removal.js';
import { requestMadeByClick } from '../made-by-click.js';
import { findPerson, slackIdsOf, type Person } from './subject.js';

/** How long the person has to confirm before an admin may remove their IAM user without waiting (the email says). */
export const MIGRATION_NOTICE_MS = 14 * DAY;

/**
 * A migration whose email was never sent, left by a command that died for good (its job gave up), no longer
 * stands in the way of a new `/access migrate` for the same person after this long.
 */
const ABANDONED_AFTER_MS = 60 * 60_000;

// Crockford's alphabet, as request ids: an id read from a message is not misread.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const newMigrationId = (): string => `M-${Array.from(randomBytes(8), (b) => ALPHABET[b % 32]).join('')}`;

/** A day as each reader's Slack shows it (their calendar), the UTC day as the fallback. */
const day = (at: Date): string => dayMrkdwn(at);

export class MigrationWork implements MigrationApi {
  private readonly log: Logger;

  constructor(private readonly deps: AdminServiceDeps) {
    this.log = deps.logger.child({ module: 'admin.migration' });
  }

  // ---------- /access migrate <person> ----------

  async startMigration(
    adminSlackId: string,
    who: string,
    clickId?: string,
    signal?: AbortSignal,
  ): Promise<Outcome<MigrationDone>> {
    const admin = this.checkAdmin(adminSlackId, 'send migration emails');
    if (!admin.ok) return admin;
    const again =
      clickId === undefined ? undefined : (await this.deps.ledger.findLegacyMigrations({ clickId }))[0];
    const migration = again ?? (await this.recordNew(adminSlackId, who, clickId));
    if (!('id' in migration)) return migration;
    const emailed = await this.sendEmail(migration, signal);
    if (!emailed.ok) return emailed;
    const messaged = await this.postMessage(emailed.value);
    return ok({ kind: 'started', migration: messaged });
  }

  /** Checks the person and records their migration, or says why not (or who is already moving them). */
  private async recordNew(
    adminSlackId: string,
    who: string,
    clickId: string | undefined,
  ): Promise<LegacyMigrationRecord | Extract<Outcome<never>, { ok: false }>> {
    const { ledger, clock } = this.deps;
    const person = await findPerson(this.deps.directory, this.deps.identities, who);
    if (!person.ok) return person;
    const slackId = await this.slackAccountOf(person.value);
    if (!slackId.ok) return slackId;
    const iam = await removableIamUser(this.deps, person.value.email);
    if (!iam.ok) {
      return iam.code === 'outside_legacy_path'
        ? refuse(
            iam.code,
            `${iam.message}\nSo no migration email was sent: it would promise a removal that access-desk will not make.`,
          )
        : iam;
    }
    const now = clock.now();
    const migration: LegacyMigrationRecord = {
      id: newMigrationId(),
      clickId: clickId ?? null,
      email: person.value.email.toLowerCase(),
      userId: person.value.user.id,
      userName: person.value.user.userName,
      displayName: person.value.user.displayName,
      slackUserId: slackId.value,
      iamUserName: iam.value.userName,
      startedBy: adminSlackId,
      startedAt: now,
      confirmBy: new Date(now.getTime() + MIGRATION_NOTICE_MS),
      emailedAt: null,
      messageId: null,
      emailFailure: null,
      dm: null,
      confirmedBy: null,
      confirmedAt: null,
      helpAskedBy: null,
      helpAskedAt: null,
      helpToldAt: null,
      removalRequestId: null,
    };
    return ledger.transaction(async (tx) => {
      // One migration of a person at a time, across replicas: look, then insert, under one lock.
      await tx.lockKey?.(`migration:${migration.email}`);
      if (clickId !== undefined) {
        const made = (await tx.findLegacyMigrations({ clickId }))[0];
        if (made !== undefined) return made;
      }
      const open = await this.openMigrationOf(tx, migration.email, now);
      if (open !== undefined) return this.alreadyUnderWay(open);
      await tx.insertLegacyMigration(migration);
      return migration;
    });
  }

  /**
   * The Slack account the person's message goes to: the one the admin named, else `people:` in the config, else
   * the Slack profile with their email. It must resolve back to the same Identity Center user, or their press
   * of the button would not count.
   */
  private async slackAccountOf(person: Person): Promise<Outcome<string>> {
    const { config, people, identities } = this.deps;
    const candidate =
      person.slackUserId ??
      slackIdsOf(config.people, person.email, undefined)[0] ??
      (await people.slackUserIdByEmail?.(person.email));
    const email = escapeMrkdwn(person.email);
    if (candidate === undefined) {
      return refuse(
        'identity_unknown',
        `I cannot find ${email} in Slack (no \`people:\` entry in the config, and no Slack profile with that email), so they could not confirm there. Name them by their Slack @name instead, or map them under \`people:\`.`,
      );
    }
    const resolved = await identities.resolve(candidate, { fresh: true });
    if (!resolved.ok || resolved.value.user.id !== person.user.id) {
      return refuse(
        'identity_unknown',
        `${mention(candidate)}'s Slack account does not match ${email} in Identity Center, so their answer could not count as ${email}'s. Map the right Slack account under \`people:\`, or name them by their Slack @name.`,
      );
    }
    return ok(candidate);
  }

  /** The person's migration that is not over: emailed (or being emailed) and their IAM user not removed yet. */
  private async openMigrationOf(
    tx: LedgerTx,
    email: string,
    now: Date,
  ): Promise<LegacyMigrationRecord | undefined> {
    const mine = await tx.findLegacyMigrations({ email });
    for (const m of mine.reverse()) {
      if (m.emailedAt === null) {
        // Refused by SES for good, or left by a command that died: it never went out.
        if (m.emailFailure === null && now.getTime() - m.startedAt.getTime() < ABANDONED_AFTER_MS) return m;
        continue;
      }
      const removal = m.removalRequestId === null ? undefined : await tx.getRequest(m.removalRequestId);
      if (removal?.status !== 'completed') return m;
    }
    return undefined;
  }

  private alreadyUnderWay(m: LegacyMigrationRecord): Extract<Outcome<never>, { ok: false }> {
    const email = escapeMrkdwn(m.email);
    const sent =
      m.emailedAt === null
        ? `The migration email to ${email} is being sent right now (by ${mention(m.startedBy)}, ${m.id})`
        : `${mention(m.startedBy)} sent ${email} the migration email on ${day(m.emailedAt)} (${m.id})`;
    const where =
      m.confirmedAt !== null
        ? ` and they confirmed on ${day(m.confirmedAt)}${m.removalRequestId !== null ? `; ${m.removalRequestId} removes their IAM user` : ''}`
        : ', and they have not confirmed yet';
    return refuse(
      'already_requested',
      `${sent}${where}. A second email would not change that: \`/access migrate\` lists who is still waiting.`,
    );
  }

  /** Sends the email unless it went already; marks it sent together with its audit event. */
  private async sendEmail(
    m: LegacyMigrationRecord,
    signal: AbortSignal | undefined,
  ): Promise<Outcome<LegacyMigrationRecord>> {
    if (m.emailedAt !== null) return ok(m);
    if (m.emailFailure !== null) return refuse('aws_unavailable', this.sesRefused(m.emailFailure));
    const { config, mailer, ledger, clock } = this.deps;
    const rendered = renderMigrationEmail({
      organisation: config.email.organisation,
      displayName: m.displayName,
      userName: m.userName,
      iamUserName: m.iamUserName,
      startUrl: config.identityCenter.startUrl,
      region: config.identityCenter.region,
      sessionName: config.identityCenter.sessionName,
      confirmBy: m.confirmBy,
      helpAddress: config.email.from,
    });
    // The command's lease was lost: another worker runs it now, and only one of them may send.
    signal?.throwIfAborted();
    const sent = await mailer.send({
      from: config.email.from,
      to: [m.email],
      cc: [...config.email.cc],
      ...rendered,
    });
    if (!sent.ok) {
      if (TRANSIENT.has(sent.error.code)) throw new RetryLater(`SES: ${sent.error.message}`);
      this.log.warn({ migrationId: m.id, code: sent.error.code }, 'migration email refused by SES');
      await ledger.updateLegacyMigration(m.id, { emailFailure: sent.error.message }, 'emailedAt');
      return refuse('aws_unavailable', this.sesRefused(sent.error.message));
    }
    const now = clock.now();
    const emailed = { ...m, emailedAt: now, messageId: sent.value.messageId };
    await ledger.transaction(async (tx) => {
      if (
        !(await tx.updateLegacyMigration(
          m.id,
          { emailedAt: now, messageId: sent.value.messageId },
          'emailedAt',
        ))
      )
        return;
      await tx.appendAudit({
        at: now,
        actor: m.startedBy,
        action: 'email.migration_sent',
        details: {
          migrationId: m.id,
          to: m.email,
          userId: m.userId,
          slackUserId: m.slackUserId,
          iamUserName: m.iamUserName,
          messageId: sent.value.messageId,
          confirmBy: m.confirmBy.toISOString(),
        },
      });
    });
    this.log.info({ migrationId: m.id }, 'migration email sent');
    return ok((await ledger.getLegacyMigration(m.id)) ?? emailed);
  }

  private sesRefused(why: string): string {
    return `SES did not send the migration email: ${escapeMrkdwn(why)}. Nothing else was done; \`/access migrate\` with the same person tries again once that is fixed.`;
  }

  /** Posts the person's message with its buttons, once. */
  private async postMessage(m: LegacyMigrationRecord): Promise<LegacyMigrationRecord> {
    const messages = this.deps.migrationMessages;
    if (m.dm !== null || messages === undefined) return m;
    const dm = await messages.syncPersonMessage(m);
    await this.deps.ledger.updateLegacyMigration(m.id, { dm }, 'dm');
    return (await this.deps.ledger.getLegacyMigration(m.id)) ?? { ...m, dm };
  }

  // ---------- the person's buttons ----------

  async confirmMigration(input: {
    migrationId: string;
    slackUserId: string;
    message?: CardRef;
    clickId?: string;
  }): Promise<Outcome<MigrationDone>> {
    const checked = await this.pressedByThePerson(input);
    if (!checked.ok) return checked;
    const { ledger, clock } = this.deps;
    const m = checked.value;
    const now = clock.now();
    await ledger.transaction(async (tx) => {
      const patch = { confirmedBy: input.slackUserId, confirmedAt: now };
      if (!(await tx.updateLegacyMigration(m.id, patch, 'confirmedAt'))) return;
      await tx.appendAudit({
        at: now,
        actor: input.slackUserId,
        action: 'migration.confirmed',
        details: { migrationId: m.id, by: input.slackUserId, email: m.email, iamUserName: m.iamUserName },
      });
    });
    const confirmed = (await ledger.getLegacyMigration(m.id)) ?? m;
    this.log.info({ migrationId: m.id }, 'migration confirmed');
    const removal = await this.removalAfterConfirmation(confirmed, input.clickId);
    const latest = (await ledger.getLegacyMigration(m.id)) ?? confirmed;
    await this.syncMessage(latest, removal.ok ? removal.value.request : undefined);
    return ok({
      kind: 'confirmed',
      migration: latest,
      ...(removal.ok ? { removal: removal.value } : { removalProblem: removal.message }),
    });
  }

  /** The removal request a confirmation opens: the one already asked for, or a new one. */
  private async removalAfterConfirmation(
    m: LegacyMigrationRecord,
    clickId: string | undefined,
  ): Promise<Outcome<RequestView>> {
    const { ledger } = this.deps;
    if (m.removalRequestId !== null) return this.view(m.removalRequestId);
    const person = await findPerson(this.deps.directory, this.deps.identities, m.email);
    if (!person.ok) return person;
    const iam = await removableIamUser(this.deps, m.email);
    if (!iam.ok) return iam;
    const recorded = await recordLegacyRemoval(this.deps, {
      requesterSlackId: m.startedBy,
      person: person.value,
      personSlackId: m.slackUserId,
      iamUserName: iam.value.userName,
      confirmedBy: m.confirmedBy ?? undefined,
      reason: `${m.displayName} confirmed that single sign-on works for them.`,
      ...(clickId !== undefined ? { clickId } : {}),
    });
    if (!recorded.ok) return recorded;
    await ledger.updateLegacyMigration(m.id, { removalRequestId: recorded.value.id });
    this.deps.wake?.();
    return this.view(recorded.value.id);
  }

  async askForHelp(input: {
    migrationId: string;
    slackUserId: string;
    message?: CardRef;
  }): Promise<Outcome<MigrationDone>> {
    const checked = await this.pressedByThePerson(input);
    if (!checked.ok) return checked;
    const { ledger, clock, migrationMessages } = this.deps;
    const m = checked.value;
    const now = clock.now();
    await ledger.transaction(async (tx) => {
      const patch = { helpAskedBy: input.slackUserId, helpAskedAt: now };
      if (!(await tx.updateLegacyMigration(m.id, patch, 'helpAskedAt'))) return;
      await tx.appendAudit({
        at: now,
        actor: input.slackUserId,
        action: 'migration.help_asked',
        details: { migrationId: m.id, by: input.slackUserId, email: m.email, admin: m.startedBy },
      });
    });
    let latest = (await ledger.getLegacyMigration(m.id)) ?? m;
    if (latest.helpToldAt === null && migrationMessages !== undefined) {
      await migrationMessages.tellAdminHelpAsked(latest);
      await ledger.updateLegacyMigration(m.id, { helpToldAt: clock.now() }, 'helpToldAt');
      latest = (await ledger.getLegacyMigration(m.id)) ?? latest;
    }
    this.log.info({ migrationId: m.id }, 'migration help asked');
    const removal =
      latest.removalRequestId === null ? undefined : await ledger.getRequest(latest.removalRequestId);
    await this.syncMessage(latest, removal);
    return ok({ kind: 'help_asked', migration: latest });
  }

  /**
   * The migration a button names, when the press counts: the button is on the message sent for it, and the one
   * who pressed is the person it is about (by their Identity Center user, whichever Slack account they use).
   */
  private async pressedByThePerson(input: {
    migrationId: string;
    slackUserId: string;
    message?: CardRef;
  }): Promise<Outcome<LegacyMigrationRecord>> {
    const m = await this.deps.ledger.getLegacyMigration(input.migrationId);
    const elsewhere =
      'That button does not belong to this message, so nothing was done. Use the buttons on your own message about moving to single sign-on.';
    if (m === undefined || m.emailedAt === null) return refuse('invalid_input', elsewhere);
    const { message } = input;
    if (
      message !== undefined &&
      m.dm !== null &&
      (message.channel !== m.dm.channel || message.ts !== m.dm.ts)
    ) {
      return refuse('invalid_input', elsewhere);
    }
    const presser = await this.deps.identities.resolve(input.slackUserId, { fresh: true });
    if (presser.ok && presser.value.user.id === m.userId) return ok(m);
    if (!presser.ok && input.slackUserId === m.slackUserId) {
      return refuse(presser.code, `I cannot count your answer yet: ${presser.message}`);
    }
    const overrideHint = this.deps.config.admins.includes(input.slackUserId)
      ? ` As an admin, \`/access migrate remove ${escapeMrkdwn(m.email)} --reason "…"\` asks for the removal of their IAM user without their confirmation.`
      : '';
    return refuse(
      'not_yours',
      `Only ${mention(m.slackUserId)} can answer this: it asks whether single sign-on works for them, and nobody answers that for someone else, so nothing was done.${overrideHint}`,
    );
  }

  // ---------- /access migrate remove ----------

  async requestLegacyRemoval(
    adminSlackId: string,
    input: { who: string; reason?: string },
    clickId?: string,
  ): Promise<Outcome<RequestView>> {
    const admin = this.checkAdmin(adminSlackId, 'remove legacy IAM users');
    if (!admin.ok) return admin;
    if (clickId !== undefined) {
      const made = await requestMadeByClick(this.deps.ledger, adminSlackId, 'legacy_removal', clickId);
      if (made !== undefined) return this.view(made.id);
    }
    const reason = (input.reason ?? '').trim();
    if (reason.length > LIMITS.reason)
      return refuse('reason_too_long', `Keep the reason under ${LIMITS.reason} characters.`);
    const person = await findPerson(this.deps.directory, this.deps.identities, input.who);
    if (!person.ok) return person;
    const iam = await removableIamUser(this.deps, person.value.email);
    if (!iam.ok) return iam;
    const migration = await this.latestMigrationOf(person.value.email);
    const confirmedBy = migration?.confirmedBy ?? undefined;
    if (confirmedBy === undefined && reason === '') return this.notConfirmed(person.value, migration);
    const recorded = await recordLegacyRemoval(this.deps, {
      requesterSlackId: adminSlackId,
      person: person.value,
      ...(migration !== undefined ? { personSlackId: migration.slackUserId } : {}),
      iamUserName: iam.value.userName,
      ...(confirmedBy !== undefined ? { confirmedBy } : { override: { bySlackId: adminSlackId, reason } }),
      reason:
        reason !== ''
          ? reason
          : `${person.value.user.displayName} confirmed that single sign-on works for them.`,
      ...(clickId !== undefined ? { clickId } : {}),
    });
    if (!recorded.ok) return recorded;
    if (migration !== undefined) {
      await this.deps.ledger.updateLegacyMigration(migration.id, { removalRequestId: recorded.value.id });
      await this.syncMessage(
        (await this.deps.ledger.getLegacyMigration(migration.id)) ?? migration,
        recorded.value,
      );
    }
    this.log.info(
      { requestId: recorded.value.id, override: confirmedBy === undefined },
      'legacy IAM user removal asked for',
    );
    this.deps.wake?.();
    return this.view(recorded.value.id);
  }

  private notConfirmed(
    person: Person,
    migration: LegacyMigrationRecord | undefined,
  ): Extract<Outcome<never>, { ok: false }> {
    const email = escapeMrkdwn(person.email);
    const story =
      migration?.emailedAt !== null && migration !== undefined
        ? ` (${mention(migration.startedBy)} sent the migration email on ${day(migration.emailedAt)})`
        : ` (no migration email was sent: \`/access migrate ${email}\` sends it)`;
    return refuse(
      'reason_required',
      `${email} has not confirmed that single sign-on works for them${story}, so their IAM user stays. To remove it anyway, say why: \`/access migrate remove ${email} --reason "…"\`.`,
    );
  }

  /** The person's latest migration whose email went. */
  private async latestMigrationOf(email: string): Promise<LegacyMigrationRecord | undefined> {
    const mine = await this.deps.ledger.findLegacyMigrations({ email: email.toLowerCase(), emailed: true });
    return mine.at(-1);
  }

  // ---------- /access migrate ----------

  async waitingMigrations(adminSlackId: string): Promise<Outcome<WaitingMigration[]>> {
    const admin = this.checkAdmin(adminSlackId, 'see who is moving to single sign-on');
    if (!admin.ok) return admin;
    const { ledger } = this.deps;
    const emailed = await ledger.findLegacyMigrations({ emailed: true });
    const waiting: WaitingMigration[] = [];
    for (const migration of emailed) {
      const removal =
        migration.removalRequestId === null ? undefined : await ledger.getRequest(migration.removalRequestId);
      if (removal?.status === 'completed') continue;
      waiting.push({
        migration,
        ...(removal !== undefined ? { removal: { id: removal.id, status: removal.status } } : {}),
      });
    }
    return ok(waiting);
  }

  // ---------- helpers ----------

  /** Redraws the person's message (what they answered, the removal), where there is one. */
  private async syncMessage(m: LegacyMigrationRecord, removal: RequestRecord | undefined): Promise<void> {
    const messages = this.deps.migrationMessages;
    if (messages === undefined || m.dm === null) return;
    try {
      await messages.syncPersonMessage(m, removal);
    } catch (err) {
      // The answer is recorded; only the message's redrawing is lost, and the person is answered anyway.
      this.log.warn({ err, migrationId: m.id }, 'could not redraw the migration message');
    }
  }

  private checkAdmin(slackId: string, what: string): Outcome<void> {
    const { admins } = this.deps.config;
    if (admins.includes(slackId)) return ok(undefined);
    return refuse('not_admin', `Only admins may ${what}. Ask one of ${admins.map(mention).join(' ')}.`);
  }

  private async view(requestId: string): Promise<Outcome<RequestView>> {
    const view = await buildView(this.deps.ledger, this.deps.catalog, requestId, this.deps.config.sessions);
    if (view === undefined) return refuse('not_found', `There is no request ${escapeMrkdwn(requestId)}.`);
    return ok(view);
  }
}
