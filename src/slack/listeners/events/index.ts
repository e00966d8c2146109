import type { App } from '@slack/bolt';
import type { ListenerDeps } from '../deps.js';
import { appHomeOpened } from './app-home-opened.js';
import { bulkFileShared } from './bulk-file-shared.js';

export function registerEvents(app: App, deps: ListenerDeps): void {
  app.event('app_home_opened', appHomeOpened(deps));
  // A CSV file shared with `/access onboard` in its message: a bulk onboarding's preview.
  app.event('message', bulkFileShared(deps));
}
