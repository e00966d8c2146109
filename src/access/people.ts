/**
 * The people port: what the access service asks Slack about people. The Slack adapter implements it with
 * users.info (scope users:read.email) and usergroups.users.list; tests use a fake directory.
 */
export interface SlackPeople {
  /** The email on the person's Slack profile; undefined when Slack has none (or no such user). */
  profileEmail(slackUserId: string): Promise<string | undefined>;
  /** Slack user ids in a user group (S…), for approver groups configured by user group. */
  usergroupMembers(usergroupId: string): Promise<string[]>;
  /**
   * The Slack account whose profile has this email (users.lookupByEmail), for reaching a person an admin named by
   * email; undefined when none has. Optional: without it, only `people:` in the config maps an email to Slack.
   */
  slackUserIdByEmail?(email: string): Promise<string | undefined>;
}
