/** Options for the accounts picker: aliases (or ids) matching what was typed (at most 100). */
import { errorOption } from './error-option.js';
import { accountOptions } from '../../blocks/options.js';
import type { ListenerDeps, SuggestionArgs } from '../deps.js';
import { newReference } from '../failure.js';

export function accountSuggestions(deps: ListenerDeps): (args: SuggestionArgs) => Promise<void> {
  return async ({ ack, options }) => {
    try {
      await ack({ options: accountOptions(deps.access.requestOptions(), options.value) });
    } catch (err) {
      const reference = newReference();
      deps.logger.error({ err, reference, listener: 'account-options' }, 'Slack listener failed');
      await ack({ options: [errorOption(reference)] });
    }
  };
}
