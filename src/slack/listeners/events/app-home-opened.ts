/** The Home tab, drawn fresh from the services each time it is opened. */
import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { homeProblemView } from '../../blocks/home.js';
import { loadHomeView } from '../../home-content.js';
import type { ListenerDeps } from '../deps.js';
import { newReference } from '../failure.js';

export type HomeOpenedArgs = SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs;

export function appHomeOpened(deps: ListenerDeps): (args: HomeOpenedArgs) => Promise<void> {
  return async ({ event, client }) => {
    if (event.tab !== undefined && event.tab !== 'home') return;
    const log = deps.logger.child({ module: 'slack.event', userId: event.user });
    try {
      // Always drawn fresh; recorded so that later changes redraw it while the person looks at it.
      const view =
        deps.home !== undefined
          ? await deps.home.opened(event.user, deps)
          : await loadHomeView(deps, event.user);
      await client.views.publish({ user_id: event.user, view });
    } catch (err) {
      // The Home tab is the only place this person is looking: the reference goes there.
      const reference = newReference();
      log.error({ err, reference, listener: 'app-home-opened' }, 'Slack listener failed');
      try {
        await client.views.publish({ user_id: event.user, view: homeProblemView(reference) });
      } catch (publishErr) {
        log.error({ err: publishErr, reference }, 'could not tell the user about a failure');
      }
    }
  };
}
