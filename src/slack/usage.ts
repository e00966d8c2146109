/**
 * What each implemented `/access` subcommand looks like, for help and for the usage line that follows an error.
 * The router in parse.ts has one entry per subcommand; a subcommand is listed here when it is built.
 */
export const SUBCOMMAND_NAMES = ['request', 'extend', 'revoke', 'pending', 'help'] as const;
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
      'Ask for a permission set on one or more accounts, for `30m`, `4h`, `2d` or `permanent` (default from the rules). Without arguments: a form.',
    examples: [
      '/access request SeniorDeveloper prod 4h fixing incident 4711',
      '/access request ReadOnlyAccess dev,staging 1d',
      '/access request',
    ],
  },
  extend: {
    usage: '/access extend [<PermissionSet> <account>] <duration> [reason…]',
    summary: 'Ask for more time on access you hold (the same grant ends later; no second grant).',
    examples: ['/access extend 2h still debugging', '/access extend SeniorDeveloper prod 1h'],
  },
  revoke: {
    usage: '/access revoke <PermissionSet> <account> [@user|email]',
    summary: 'End access now: your own without approval; someone else’s if you are an admin.',
    examples: ['/access revoke SeniorDeveloper prod', '/access revoke Developer staging @sam'],
  },
  pending: {
    usage: '/access pending',
    summary: 'Your open requests, and the requests waiting for your approval.',
    examples: ['/access pending'],
  },
  help: {
    usage: '/access help',
    summary: 'This message.',
    examples: ['/access help'],
  },
};
