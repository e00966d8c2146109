/**
 * The ClickAnswers port over Slack: a click run by the job runner (the listener that acked it died) answers the
 * person where they clicked, through the response_url kept with the click, or by direct message when there is
 * none (a modal) or it no longer takes answers (30 minutes, 5 answers).
 */
import type { webApi } from '@slack/bolt';
import type { Outcome } from '../access/api.js';
import type { Click, ClickAnswers } from '../access/click-api.js';
import type { MigrationDone } from '../access/migration-api.js';
import type { WelcomeResent } from '../access/people-api.js';
import type { RequestView } from '../access/notifier.js';
import type { Logger } from '../log.js';
import { clickAnswer } from './blocks/click-answer.js';
import type { SlackMessage } from './blocks/kit.js';
import { migrationAnswer } from './blocks/migration.js';
import { welcomeAnswer } from './blocks/user-update-text.js';
import { directMessage, postToResponseUrl } from './listeners/tell.js';

export class SlackClickAnswers implements ClickAnswers {
  private readonly log: Logger;

  constructor(private readonly deps: { client: webApi.WebClient; logger: Logger }) {
    this.log = deps.logger.child({ module: 'slack.clicks' });
  }

  async answer(click: Click, outcome: Outcome<RequestView>): Promise<void> {
    const msg = clickAnswer(click, outcome);
    if (msg === undefined) return;
    await this.tell(click, msg);
  }

  answerMigration(click: Click, outcome: Outcome<MigrationDone>): Promise<void> {
    return this.tell(click, migrationAnswer(outcome));
  }

  answerWelcome(click: Click, outcome: Outcome<WelcomeResent>): Promise<void> {
    return this.tell(click, welcomeAnswer(outcome));
  }

  private async tell(click: Click, msg: SlackMessage): Promise<void> {
    if (click.responseUrl !== undefined) {
      try {
        await postToResponseUrl(click.responseUrl, msg);
        return;
      } catch (err) {
        this.log.warn(
          { err, clickId: click.id },
          'response_url refused the answer; sending a direct message',
        );
      }
    }
    await directMessage(this.deps.client, click.userId, msg);
  }
}
