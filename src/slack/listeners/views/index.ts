import type { App, ViewSubmitAction } from '@slack/bolt';
import { CALLBACK } from '../../ids.js';
import type { ListenerDeps } from '../deps.js';
import { denyModalSubmission } from './deny-modal.js';
import { extendModalSubmission } from './extend-modal.js';
import { requestModalSubmission } from './request-modal.js';

export function registerViews(app: App, deps: ListenerDeps): void {
  app.view<ViewSubmitAction>(CALLBACK.requestModal, requestModalSubmission(deps));
  app.view<ViewSubmitAction>(CALLBACK.denyModal, denyModalSubmission(deps));
  app.view<ViewSubmitAction>(CALLBACK.extendModal, extendModalSubmission(deps));
}
