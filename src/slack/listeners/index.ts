/** Every listener of the Slack app, registered by kind. */
import type { App } from '@slack/bolt';
import { registerActions } from './actions/index.js';
import { registerCommands } from './commands/index.js';
import type { ListenerDeps } from './deps.js';
import { registerEvents } from './events/index.js';
import { registerOptions } from './options/index.js';
import { registerViews } from './views/index.js';

export type { ListenerDeps } from './deps.js';

export function registerListeners(app: App, deps: ListenerDeps): void {
  registerCommands(app, deps);
  registerActions(app, deps);
  registerViews(app, deps);
  registerOptions(app, deps);
  registerEvents(app, deps);
}
