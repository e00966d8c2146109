/** `/access help`: the usage of each implemented subcommand, with examples. */
import { SUBCOMMAND_NAMES, USAGE } from '../usage.js';
import { context, header, message, section, type SlackMessage } from './kit.js';

export function helpMessage(): SlackMessage {
  const blocks = [
    header('access-desk: AWS access from Slack'),
    ...SUBCOMMAND_NAMES.map((name) => {
      const u = USAGE[name];
      const examples = u.examples.map((e) => `\`${e}\``).join('\n');
      return section(`*\`${u.usage}\`*\n${u.summary}\n${examples}`);
    }),
    context('Names are matched ignoring case. Durations: `30m`, `4h`, `2d` or `permanent`.'),
  ];
  const text = SUBCOMMAND_NAMES.map((n) => USAGE[n].usage).join('\n');
  return message(`access-desk commands:\n${text}`, blocks);
}
