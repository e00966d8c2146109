import type { Outcome } from '../../src/access/api.js';
import type { Click, ClickAnswers } from '../../src/access/click-api.js';
import type { CardRef, GrantRecord } from '../../src/access/ledger.js';
import type {
  AuditFile,
  AuditLine,
  AuditStatus,
  Notifier,
  RequestView,
  RequesterEvent,
} from '../../src/access/notifier.js';
import type { MigrationDone } from '../../src/access/migration-api.js';
import type { SlackPeople } from '../../src/access/people.js';
import { clickAnswer } from '../../src/slack/blocks/click-answer.js';
import { migrationAnswer } from '../../src/slack/blocks/migration.js';
import { welcomeAnswer } from '../../src/slack/blocks/user-update-text.js';
import type { WelcomeResent } from '../../src/access/people-api.js';
import type { SlackMessage } from '../../src/slack/blocks/kit.js';

/** An audit report as the recording notifier read it from its stream. */
export interface RecordedAuditFile {
  filename: string;
  title: string;
  content: string;
}

/** A notifier that records what it was asked to show, as Slack would have shown it. */
export class RecordingNotifier implements Notifier {
  readonly cards: { requestId: string; status: string; view: RequestView; ts: string }[] = [];
  readonly messages: {
    requestId: string;
    event: RequesterEvent;
    to: string;
    grantId?: string;
    view: RequestView;
  }[] = [];
  private next = 1;

  syncCard(view: RequestView): Promise<CardRef> {
    const ts = view.request.card?.ts ?? `${1_700_000_000 + this.next++}.000100`;
    this.cards.push({ requestId: view.request.id, status: view.request.status, view, ts });
    return Promise.resolve({ channel: view.request.channel, ts });
  }

  notifyRequester(view: RequestView, event: RequesterEvent, grant?: GrantRecord): Promise<CardRef> {
    this.messages.push({
      requestId: view.request.id,
      event,
      to: view.request.requesterSlackId,
      ...(grant !== undefined ? { grantId: grant.id } : {}),
      view,
    });
    return Promise.resolve(
      view.request.dm ?? { channel: `D${view.request.requesterSlackId}`, ts: `${this.next++}.0001` },
    );
  }

  /** Every audit message as shown, in order (updates included). */
  readonly auditStatuses: { channel: string; ts: string; status: AuditStatus }[] = [];
  /** Every report posted, its content read from the stream as the upload would (UTF-8 text). */
  readonly auditReports: { channel: string; file: RecordedAuditFile; comment: string }[] = [];

  readonly auditLines: { channel: string; line: AuditLine }[] = [];

  postAuditLine(channel: string, line: AuditLine): Promise<void> {
    this.auditLines.push({ channel, line });
    return Promise.resolve();
  }

  directMessageChannel(slackUserId: string): Promise<string> {
    return Promise.resolve(`D${slackUserId}`);
  }

  auditStatus(channel: string, ref: CardRef | undefined, status: AuditStatus): Promise<CardRef> {
    const ts = ref?.ts ?? `${1_700_000_000 + this.next++}.000100`;
    this.auditStatuses.push({ channel, ts, status });
    return Promise.resolve({ channel, ts });
  }

  async uploadAuditReport(channel: string, file: AuditFile, comment: string): Promise<{ fileId: string }> {
    // Read now, as Slack's upload would: the stream's source is gone once the upload is over.
    const chunks: Uint8Array[] = [];
    for await (const chunk of file.content.read()) chunks.push(chunk);
    const bytes = Buffer.concat(chunks);
    if (bytes.length !== file.content.length)
      throw new Error(`the report announced ${file.content.length} bytes and streamed ${bytes.length}`);
    const { filename, title } = file;
    this.auditReports.push({ channel, file: { filename, title, content: bytes.toString('utf8') }, comment });
    return { fileId: `F${String(this.auditReports.length).padStart(8, '0')}` };
  }

  eventsFor(requestId: string): RequesterEvent[] {
    return this.messages.filter((m) => m.requestId === requestId).map((m) => m.event);
  }

  lastCard(requestId: string) {
    return this.cards.filter((c) => c.requestId === requestId).at(-1);
  }
}

/** Slack people from a fixed table: profile emails and user groups. */
export class FakeSlackPeople implements SlackPeople {
  constructor(
    private readonly emails: Record<string, string> = {},
    private readonly usergroups: Record<string, string[]> = {},
  ) {}
  profileEmail(slackUserId: string): Promise<string | undefined> {
    return Promise.resolve(this.emails[slackUserId]);
  }
  usergroupMembers(usergroupId: string): Promise<string[]> {
    return Promise.resolve(this.usergroups[usergroupId] ?? []);
  }
  slackUserIdByEmail(email: string): Promise<string | undefined> {
    const found = Object.entries(this.emails).find(([, e]) => e.toLowerCase() === email.toLowerCase());
    return Promise.resolve(found?.[0]);
  }
}

/**
 * What clicks run by the job runner told the person, in order: the message Slack would have shown (the same
 * rendering as the Slack adapter), only when there is one.
 */
export class RecordingClickAnswers implements ClickAnswers {
  readonly answers: {
    click: Click;
    outcome: Outcome<RequestView> | Outcome<MigrationDone> | Outcome<WelcomeResent>;
    message: SlackMessage;
  }[] = [];

  answer(click: Click, outcome: Outcome<RequestView>): Promise<void> {
    const message = clickAnswer(click, outcome);
    if (message !== undefined) this.answers.push({ click, outcome, message });
    return Promise.resolve();
  }

  answerMigration(click: Click, outcome: Outcome<MigrationDone>): Promise<void> {
    this.answers.push({ click, outcome, message: migrationAnswer(outcome) });
    return Promise.resolve();
  }

  answerWelcome(click: Click, outcome: Outcome<WelcomeResent>): Promise<void> {
    this.answers.push({ click, outcome, message: welcomeAnswer(outcome) });
    return Promise.resolve();
  }
}
