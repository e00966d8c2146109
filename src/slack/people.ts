/** The people port over Slack's Web API: profile emails (users:read.email) and user-group members (usergroups:read). */
import type { SlackPeople } from '../access/people.js';
import type { WebClient } from './client.js';
import { slackErrorCode } from './platform-error.js';

export class SlackPeopleDirectory implements SlackPeople {
  constructor(private readonly client: WebClient) {}

  async profileEmail(slackUserId: string): Promise<string | undefined> {
    try {
      const answer = await this.client.users.info({ user: slackUserId });
      const user = answer.user;
      // A deactivated account keeps its profile; it must not be matched to anyone's access.
      if (user === undefined || user.deleted === true) return undefined;
      const email = user.profile?.email?.trim();
      return email === undefined || email === '' ? undefined : email;
    } catch (err) {
      if (slackErrorCode(err) === 'user_not_found') return undefined;
      throw err;
    }
  }

  async slackUserIdByEmail(email: string): Promise<string | undefined> {
    try {
      const answer = await this.client.users.lookupByEmail({ email });
      const user = answer.user;
      if (user?.id === undefined || user.deleted === true || user.is_bot === true) return undefined;
      return user.id;
    } catch (err) {
      if (slackErrorCode(err) === 'users_not_found') return undefined;
      throw err;
    }
  }

  async usergroupMembers(usergroupId: string): Promise<string[]> {
    const answer = await this.client.usergroups.users.list({ usergroup: usergroupId });
    return answer.users ?? [];
  }
}
