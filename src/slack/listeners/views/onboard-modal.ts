/**
 * The onboarding form's submission. The plan is checked first, before the modal closes, so that what the
 * service refuses (an untrusted domain, a user who already exists, an unknown role) appears on the field;
 * only then is the modal acked and the onboarding submitted for approval.
 */
import type { SlackMessage } from '../../blocks/kit.js';
import { NOT_THIS_FORM, openedMetadata, readAdminModalMetadata } from '../../blocks/modal-metadata.js';
import { refusalMessage } from '../../blocks/replies.js';
import { submittedMessage } from '../../blocks/requester-messages.js';
import { BLOCK } from '../../ids.js';
import { onboardingRefusalErrors, parseOnboardModal } from '../../parse-admin-modal.js';
import { NOT_AVAILABLE } from '../commands/admin-subcommands.js';
import { settleWithin, SLACK_BUDGET_MS } from '../deadline.js';
import type { ListenerDeps, ViewSubmissionArgs } from '../deps.js';
import { reportFailure } from '../failure.js';
import { tellWhereTyped } from '../tell.js';

export function onboardModalSubmission(deps: ListenerDeps): (args: ViewSubmissionArgs) => Promise<void> {
  return async ({ ack, body, view, client }) => {
    const userId = body.user.id;
    const log = deps.logger.child({ module: 'slack.view', userId });
    const opened = openedMetadata(view);
    const tell: (msg: SlackMessage) => Promise<void> = tellWhereTyped(
      client,
      userId,
      readAdminModalMetadata(opened ?? ''),
      log,
    );
    let acked = false;
    const answer = async (errors?: Record<string, string>): Promise<void> => {
      acked = true;
      await (errors === undefined ? ack() : ack({ response_action: 'errors', errors }));
    };
    try {
      const { admin } = deps;
      if (admin === undefined) return await answer({ [BLOCK.email]: NOT_AVAILABLE });
      if (opened === undefined) {
        log.warn('onboarding modal whose metadata is not the one it was opened with');
        return await answer({ [BLOCK.email]: NOT_THIS_FORM });
      }
      const roles = Object.keys(deps.config.roles);
      const parsed = parseOnboardModal(view.state.values, deps.access.requestOptions(), roles);
      if (!parsed.ok) return await answer(parsed.errors);

      // A plan slower than Slack's ack allows is not waited for: submitOnboarding checks the same again.
      const plan = await settleWithin(admin.planOnboarding(userId, parsed.value), SLACK_BUDGET_MS);
      if (plan.settled && !plan.value.ok) {
        return await answer(onboardingRefusalErrors(plan.value, roles.length > 0));
      }
      await answer();
      const outcome = await admin.submitOnboarding(userId, parsed.value);
      if (outcome.ok) log.info({ requestId: outcome.value.request.id }, 'onboarding submitted');
      await tell(outcome.ok ? submittedMessage(outcome.value) : refusalMessage(outcome.message));
    } catch (err) {
      if (!acked) await ack();
      await reportFailure({ log, listener: 'onboard-modal', userId, tell }, err);
    }
  };
}
