import type { App } from '@slack/bolt';
import type { ListenerDeps } from '../deps.js';
import { accessCommand } from './access-command.js';

export const COMMAND = '/access';

export function registerCommands(app: App, deps: ListenerDeps): void {
  app.command(COMMAND, accessCommand(deps));
}
