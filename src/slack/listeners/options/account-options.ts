/**
 * Options for the accounts picker: the accounts whose alias, id or name contains what was typed, at most
 * Slack's 100 (with a label saying how many more match). Answered from memory: no AWS call (account-picker.ts).
 */
import { errorOption } from './error-option.js';
import { accountSuggestions as suggestAccounts, keptAccountIndex } from '../../blocks/account-picker.js';
import type { ListenerDeps, SuggestionArgs } from '../deps.js';
import { newReference } from '../failure.js';

export function accountSuggestions(deps: ListenerDeps): (args: SuggestionArgs) => Promise<void> {
  const indexOf = keptAccountIndex();
  return async ({ ack, options }) => {
    try {
      await ack(suggestAccounts(indexOf(deps.access.requestOptions().accounts), options.value));
    } catch (err) {
      const reference = newReference();
      deps.logger.error({ err, reference, listener: 'account-options' }, 'Slack listener failed');
      await ack({ options: [errorOption(reference)] });
    }
  };
}
