/** The App Home tab: my open requests and the approvals waiting for me, with their buttons. */
import type { types } from '@slack/bolt';
import type { RequestView } from '../../access/notifier.js';
import type { CardOptions } from './approval-card.js';
import { context } from './kit.js';
import { pendingList } from './pending-list.js';
import { problemMessage } from './replies.js';

export function homeView(
  lists: { mine: RequestView[]; awaitingMe: RequestView[] },
  options: CardOptions = {},
): types.HomeView {
  const { blocks } = pendingList(lists, options);
  return {
    type: 'home',
    blocks: [
      ...blocks,
      context('Ask for access with `/access request`; `/access help` lists every command.'),
    ],
  };
}

export function homeProblemView(reference: string): types.HomeView {
  return { type: 'home', blocks: problemMessage(reference).blocks };
}
