/** Options for the permission-set picker: the configured names matching what was typed (at most 100). */
import { errorOption } from './error-option.js';
import { permissionSetOptions } from '../../blocks/options.js';
import type { ListenerDeps, SuggestionArgs } from '../deps.js';
import { newReference } from '../failure.js';

export function permissionSetSuggestions(deps: ListenerDeps): (args: SuggestionArgs) => Promise<void> {
  return async ({ ack, options }) => {
    try {
      await ack({ options: permissionSetOptions(deps.access.requestOptions(), options.value) });
    } catch (err) {
      const reference = newReference();
      deps.logger.error({ err, reference, listener: 'permission-set-options' }, 'Slack listener failed');
      await ack({ options: [errorOption(reference)] });
    }
  };
}
