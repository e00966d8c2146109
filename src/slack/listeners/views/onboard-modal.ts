/**
 * The onboarding form's submission. The plan is checked first, before the modal closes, so that what the
 * service refuses (an untrusted domain, a user who already exists, an unknown role) appears on the field;
 * only then is the submission recorded (one insert, so that a crash after the modal closes cannot lose it), the
 * modal acked and the onboarding submitted for approval.
 */
import type { SlackMessage } from '../../blocks/kit.js';
import { clickAnswer } from '../../blocks/click-answer.js';
import { NOT_THIS_FORM, openedMetadata, readAdminModalMetadata } from '../../blocks/modal-metadata.js';
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
    const metadata = readAdminModalMetadata(opened ?? '');
    const tell: (msg: SlackMessage) => Promise<void> = tellWhereTyped(client, userId, metadata, log);
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
      // Recorded before the modal closes: a crash after the ack cannot lose the onboarding.
      const click = await deps.clicks.record({
        action: 'admin',
        userId,
        adminSubmission: { kind: 'onboard', starter: parsed.value },
        ...(metadata.responseUrl !== undefined ? { responseUrl: metadata.responseUrl } : {}),
      });
      await answer();
      const outcome = await deps.clicks.run(click);
      if (outcome.ok) log.info({ requestId: outcome.value.request.id }, 'onboarding submitted');
      const said = clickAnswer(click, outcome);
      if (said !== undefined) await tell(said);
    } catch (err) {
      if (!acked) await ack();
      await reportFailure({ log, listener: 'onboard-modal', userId, tell }, err);
    }
  };
}
