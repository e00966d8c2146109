import type { App } from '@slack/bolt';
import { ACTION } from '../../ids.js';
import type { ListenerDeps } from '../deps.js';
import { accountSuggestions } from './account-options.js';
import { permissionSetSuggestions } from './permission-set-options.js';
import { roleSuggestions } from './role-options.js';

export function registerOptions(app: App, deps: ListenerDeps): void {
  app.options<'block_suggestion'>(ACTION.pickPermissionSet, permissionSetSuggestions(deps));
  app.options<'block_suggestion'>(ACTION.pickAccounts, accountSuggestions(deps));
  app.options<'block_suggestion'>(ACTION.pickRole, roleSuggestions(deps));
}
