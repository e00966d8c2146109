/** Options for the onboarding form's role picker when there are more roles than a static select holds. */
import { roleOptions } from '../../blocks/options.js';
import type { ListenerDeps, SuggestionArgs } from '../deps.js';
import { newReference } from '../failure.js';
import { errorOption } from './error-option.js';

export function roleSuggestions(deps: ListenerDeps): (args: SuggestionArgs) => Promise<void> {
  return async ({ ack, options }) => {
    try {
      await ack({ options: roleOptions(deps.config.roles, options.value) });
    } catch (err) {
      const reference = newReference();
      deps.logger.error({ err, reference, listener: 'role-options' }, 'Slack listener failed');
      await ack({ options: [errorOption(reference)] });
    }
  };
}
