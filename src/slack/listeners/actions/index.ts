import type { App, BlockButtonAction } from '@slack/bolt';
import { ACTION } from '../../ids.js';
import type { ListenerDeps } from '../deps.js';
import { auditOffboardButton } from './audit-offboard-button.js';
import { approveButton } from './approve-button.js';
import { breakGlassEndButton, breakGlassReviewedButton } from './break-glass-buttons.js';
import { releaseButton } from './release-button.js';
import { requestAccessButton } from './request-access-button.js';
import { bulkFileButton, bulkSubmitButton } from './bulk-buttons.js';
import { cancelButton } from './cancel-button.js';
import { denyButton } from './deny-button.js';
import { extendButton } from './extend-button.js';
import { migrationButton } from './migration-button.js';
import { retryButton } from './retry-button.js';
import { usersPageButton } from './users-page-button.js';

export function registerActions(app: App, deps: ListenerDeps): void {
  app.action<BlockButtonAction>(ACTION.approve, approveButton(deps));
  app.action<BlockButtonAction>(ACTION.deny, denyButton(deps));
  app.action<BlockButtonAction>(ACTION.cancel, cancelButton(deps));
  app.action<BlockButtonAction>(ACTION.extend, extendButton(deps));
  app.action<BlockButtonAction>(ACTION.retry, retryButton(deps));
  app.action<BlockButtonAction>(ACTION.usersPrevious, usersPageButton(deps));
  app.action<BlockButtonAction>(ACTION.usersNext, usersPageButton(deps));
  app.action<BlockButtonAction>(ACTION.bulkOnboardFile, bulkFileButton(deps));
  app.action<BlockButtonAction>(ACTION.bulkOnboardSubmit, bulkSubmitButton(deps));
  app.action<BlockButtonAction>(ACTION.auditOffboard, auditOffboardButton(deps));
  app.action<BlockButtonAction>(ACTION.migrationConfirm, migrationButton(deps));
  app.action<BlockButtonAction>(ACTION.migrationHelp, migrationButton(deps));
  app.action<BlockButtonAction>(ACTION.breakGlassReviewed, breakGlassReviewedButton(deps));
  app.action<BlockButtonAction>(ACTION.breakGlassEnd, breakGlassEndButton(deps));
  app.action<BlockButtonAction>(ACTION.release, releaseButton(deps));
  app.action<BlockButtonAction>(ACTION.openRequestForm, requestAccessButton(deps));
}
