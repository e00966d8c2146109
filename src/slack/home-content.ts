/**
 * What a person's Home tab shows, read fresh from the services: drawn the same way when they open the tab
 * and when something that concerns them changes.
 */
import type { types } from '@slack/bolt';
import type { AccessApi } from '../access/api.js';
import type { InsightApi } from '../access/insight-api.js';
import { homeView } from './blocks/home.js';
import type { CardOptions } from './blocks/buttons.js';

export interface HomeSources {
  access: AccessApi;
  /** Absent: the Home tab leaves out "My access". */
  insight?: InsightApi;
}

export async function loadHomeView(
  sources: HomeSources,
  slackUserId: string,
  options: CardOptions = {},
): Promise<types.HomeView> {
  const [lists, myGrants] = await Promise.all([
    sources.access.pending(slackUserId),
    sources.insight?.myAccess(slackUserId),
  ]);
  return homeView(lists, options, {
    ...(myGrants !== undefined ? { myGrants } : {}),
    isAdmin: sources.access.isAdmin(slackUserId),
  });
}
