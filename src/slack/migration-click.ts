/**
 * What a press of "SSO works for me" or "I need help" acts on, and only when every part of the click agrees:
 * the button's value is the migration its block names (`migration:<id>`), and, when Slack sends the message's
 * blocks, that very button sits in that very block. The message it was pressed on goes with it, so that the
 * service can check it is the message that was sent for that migration. Pure.
 */
import { sitsOnItsSurface, type ClickBody, type ClickedButton } from './button-click.js';
import { ACTION, MIGRATION_BLOCK_PREFIX } from './ids.js';

/** Migration ids are short; a longer value is not one of ours. */
const ID = /^M-[0-9A-Z]{1,40}$/;

export interface MigrationClickBody extends ClickBody {
  channel?: { id?: string };
  container?: { channel_id?: string; message_ts?: string };
}

export function migrationOfClick(
  body: MigrationClickBody,
  button: ClickedButton,
): { migrationId: string; kind: 'confirm' | 'help'; message?: { channel: string; ts: string } } | undefined {
  const kind =
    button.action_id === ACTION.migrationConfirm
      ? 'confirm'
      : button.action_id === ACTION.migrationHelp
        ? 'help'
        : undefined;
  const { value } = button;
  if (kind === undefined || value === undefined || !ID.test(value)) return undefined;
  if (button.block_id !== `${MIGRATION_BLOCK_PREFIX}${value}`) return undefined;
  if (!sitsOnItsSurface(body, button)) return undefined;
  const channel = body.container?.channel_id ?? body.channel?.id;
  const ts = body.container?.message_ts ?? (body.message?.ts as string | undefined);
  return {
    migrationId: value,
    kind,
    ...(channel !== undefined && typeof ts === 'string' ? { message: { channel, ts } } : {}),
  };
}
