import type { App, ViewSubmitAction } from '@slack/bolt';
import { CALLBACK } from '../../ids.js';
import type { ListenerDeps } from '../deps.js';
import { bulkFileModalSubmission, bulkPreviewSubmission } from './bulk-onboard-modal.js';
import { denyModalSubmission } from './deny-modal.js';
import { extendModalSubmission } from './extend-modal.js';
import { groupChangeModalSubmission } from './group-modal.js';
import { offboardModalSubmission } from './offboard-modal.js';
import { onboardModalSubmission } from './onboard-modal.js';
import { requestModalSubmission } from './request-modal.js';
import { roleChangeModalSubmission } from './role-change-modal.js';
import { userUpdateModalSubmission } from './user-update-modal.js';

export function registerViews(app: App, deps: ListenerDeps): void {
  app.view<ViewSubmitAction>(CALLBACK.requestModal, requestModalSubmission(deps));
  app.view<ViewSubmitAction>(CALLBACK.denyModal, denyModalSubmission(deps));
  app.view<ViewSubmitAction>(CALLBACK.extendModal, extendModalSubmission(deps));
  app.view<ViewSubmitAction>(CALLBACK.onboardModal, onboardModalSubmission(deps));
  app.view<ViewSubmitAction>(CALLBACK.bulkOnboardModal, bulkFileModalSubmission(deps));
  app.view<ViewSubmitAction>(CALLBACK.bulkOnboardPreview, bulkPreviewSubmission(deps));
  app.view<ViewSubmitAction>(CALLBACK.offboardModal, offboardModalSubmission(deps));
  app.view<ViewSubmitAction>(CALLBACK.roleChangeModal, roleChangeModalSubmission(deps));
  app.view<ViewSubmitAction>(CALLBACK.groupChangeModal, groupChangeModalSubmission(deps));
  app.view<ViewSubmitAction>(CALLBACK.userUpdateModal, userUpdateModalSubmission(deps));
}
