/**
 * What each implemented `/access` subcommand looks like, for help and for the usage line that follows an error.
 * The router in parse.ts has one entry per subcommand; a subcommand is listed here when it is built.
 */
export const SUBCOMMAND_NAMES = [
  'request',
  'extend',
  'revoke',
  'breakglass',
  'pending',
  'onboard',
  'offboard',
  'role',
  'migrate',
  'whois',
  'users',
  'audit',
  'group',
  'user',
  'welcome',
  'help',
] as const;

/** The admins' subcommands: refused at once for anyone else, and "not available" without the admin service. */
export const ADMIN_SUBCOMMANDS: readonly SubcommandName[] = [
  'onboard',
  'offboard',
  'role',
  'migrate',
  'audit',
  'user',
  'welcome',
];
export type SubcommandName = (typeof SUBCOMMAND_NAMES)[number];

export interface Usage {
  usage: string;
  summary: string;
  examples: readonly string[];
}

export const USAGE: Readonly<Record<SubcommandName, Usage>> = {
  request: {
    usage: '/access request <PermissionSet> <account>[,<account>…] [<duration>] [reason…]',
    summary:
      'Ask for a permission set on one or more accounts, for `30m`, `4h`, `2d` or `permanent` (default from the rules). `group:<Group>` instead joins an Identity Center group for a while. `at <when>` (UTC) asks ahead of time: approved now, granted at the start. Without arguments: a form.',
    examples: [
      '/access request SeniorDeveloper prod 4h fixing incident 4711',
      '/access request ReadOnlyAccess dev,staging 1d',
      '/access request SeniorDeveloper prod 4h at tomorrow 09:00 release day',
      '/access request group:ReadOnly 2h reading the prod logs',
      '/access request',
    ],
  },
  extend: {
    usage: '/access extend [<PermissionSet> <account>] <duration> [reason…]',
    summary:
      'Ask for more time on access you hold (the same grant ends later; no second grant); `group:<Group>` for a group membership.',
    examples: [
      '/access extend 2h still debugging',
      '/access extend SeniorDeveloper prod 1h',
      '/access extend group:ReadOnly 1h',
    ],
  },
  revoke: {
    usage: '/access revoke <PermissionSet> <account> [@user|email]',
    summary:
      'End access now: your own without approval; someone else’s if you are an admin. `group:<Group>` leaves a group joined for a while.',
    examples: [
      '/access revoke SeniorDeveloper prod',
      '/access revoke Developer staging @sam',
      '/access revoke group:ReadOnly',
    ],
  },
  breakglass: {
    usage: '/access breakglass <PermissionSet> <account> <duration> <reason…>',
    summary:
      'In an emergency, for the people a rule allows: the access at once, without approval, and loudly (a card in the approvals and security channels, the approvers told, a line in the audit channel). An approver reviews it afterwards; limited per person and day.',
    examples: ['/access breakglass ProductionSupport prod 1h INC-4711 payments are down'],
  },
  pending: {
    usage: '/access pending',
    summary: 'Your open requests, and the requests waiting for your approval.',
    examples: ['/access pending'],
  },
  onboard: {
    usage: '/access onboard [email]',
    summary:
      'Admins: a form for a new starter (name, role, extra access, start date); approval as usual, then the user, groups, assignments and welcome email. Several people: a CSV file shared with `/access onboard <reason>` in its message (not as a command), or the form’s CSV button: every row checked, one preview, one approval.',
    examples: ['/access onboard dara.oconnor@example.com', '/access onboard'],
  },
  offboard: {
    usage: '/access offboard <email|@user>',
    summary:
      'Admins: shows everything a leaver has (groups, assignments, grants, requests, legacy IAM user), then asks for approval to remove it all.',
    examples: ['/access offboard kim.leaver@example.com', '/access offboard @kim'],
  },
  role: {
    usage: '/access role <email|@user> <role>',
    summary:
      'Admins: today’s access against the role’s bundle and the difference; after approval, adds first, then removes.',
    examples: ['/access role @sam Developer', '/access role sam.dev@example.com SeniorDeveloper'],
  },
  migrate: {
    usage: '/access migrate [<email|@user>] · /access migrate remove <email|@user> [--reason "why"]',
    summary:
      'Admins: moves someone from their legacy IAM user to single sign-on. With a person: the migration email, and a direct message where they press *SSO works for me* (which asks for the removal of their IAM user, access keys first, approved like other admin work) or *I need help* (which tells you). Nothing of the IAM user goes before they confirm, unless `remove` says why. Without a person: who is still waiting, who confirmed and who asked for help.',
    examples: [
      '/access migrate bruno.costa@example.com',
      '/access migrate @bruno',
      '/access migrate',
      '/access migrate remove bruno.costa@example.com --reason "left in May; keys unused for 90 days"',
    ],
  },
  whois: {
    usage: '/access whois [email|@user]',
    summary:
      'Who someone is and what they can reach, read from AWS: their status (DISABLED flagged), groups, access by account (direct, through a group, or an access-desk grant until when), applications, pending requests, a legacy IAM user. Yourself by default.',
    examples: ['/access whois', '/access whois @sam', '/access whois kim.leaver@example.com'],
  },
  users: {
    usage: '/access users [page]',
    summary:
      'Admins: every Identity Center user with their groups (DISABLED flagged, and their applications), 20 to a page, with Next and Previous.',
    examples: ['/access users', '/access users 3'],
  },
  audit: {
    usage: '/access audit',
    summary:
      'Admins: walks the whole organisation within AWS’s rate limits, shows progress here, then posts a CSV file: every user’s access and where it comes from, users with none, drift from the ledger, legacy IAM keys, each user’s status and last sign-in, and who has not signed in for audit.inactiveAfter (with an Offboard… button each).',
    examples: ['/access audit'],
  },
  group: {
    usage:
      '/access group add|remove <email|@user> <group> · /access group list [group] · /access group create <name> [description]',
    summary:
      'Admins: add someone to an Identity Center group or remove them, after a preview of what the group carries (approved like other admin work; removing ends the sessions of what they lose), or make a new group. Anyone: the groups, their members and what each carries.',
    examples: [
      '/access group add @jay ReadOnly',
      '/access group remove kim.leaver@example.com Billing',
      '/access group list',
      '/access group list Billing',
      '/access group create "Platform Engineers" Everyone who builds the platform',
    ],
  },
  user: {
    usage: '/access user update <email|@user>',
    summary:
      'Admins: a form with their first name, last name, display name and primary email as Identity Center has them; what you change is shown (from → to) and approved like other admin work. The user name cannot change: Identity Center keeps it for good.',
    examples: ['/access user update @sam', '/access user update sam.dev@example.com'],
  },
  welcome: {
    usage: '/access welcome <email|@user>',
    summary:
      'Admins: sends the welcome email again (the first was lost), with what they can reach today, read from AWS. Not for someone disabled in Identity Center.',
    examples: ['/access welcome @nina', '/access welcome nina.new@example.com'],
  },
  help: {
    usage: '/access help',
    summary: 'This message.',
    examples: ['/access help'],
  },
};
