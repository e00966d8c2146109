/**
 * The migration's clicks (src/access/clicks.ts runs them): `/access migrate <person>`, `/access migrate remove`,
 * and the person's two buttons, each recorded before its ack and run once, after a crash too. What each asks
 * for is kept in the click's job (`payload.migration`) and read back here with a check: it was written by this
 * code, so anything else is a bug.
 */
import type { Outcome } from './api.js';
import type { MigrationClick } from './click-api.js';
import type { MigrationApi, MigrationDone } from './migration-api.js';

export type MigrationClickApi = Pick<
  MigrationApi,
  'startMigration' | 'confirmMigration' | 'askForHelp' | 'requestLegacyRemoval'
>;

/** Runs one migration click as `userId`; `clickId` makes running it again find what it did the first time. */
export async function runMigrationClick(
  api: MigrationClickApi | undefined,
  click: { id: string; userId: string; migration?: MigrationClick },
  signal?: AbortSignal,
): Promise<Outcome<MigrationDone>> {
  const asked = click.migration;
  if (asked === undefined) throw new Error(`migration click ${click.id} carries nothing to do`);
  if (api === undefined) {
    return {
      ok: false,
      code: 'not_admin',
      message: 'The IAM-to-SSO migration is not available in this deployment.',
    };
  }
  switch (asked.kind) {
    case 'start':
      return api.startMigration(click.userId, asked.who, click.id, signal);
    case 'confirm':
      return api.confirmMigration({
        migrationId: asked.migrationId,
        slackUserId: click.userId,
        ...(asked.message !== undefined ? { message: asked.message } : {}),
        clickId: click.id,
      });
    case 'help':
      return api.askForHelp({
        migrationId: asked.migrationId,
        slackUserId: click.userId,
        ...(asked.message !== undefined ? { message: asked.message } : {}),
      });
    case 'remove': {
      const outcome = await api.requestLegacyRemoval(
        click.userId,
        { who: asked.who, ...(asked.reason !== undefined ? { reason: asked.reason } : {}) },
        click.id,
      );
      return outcome.ok
        ? { ok: true, value: { kind: 'removal_requested', removal: outcome.value } }
        : outcome;
    }
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const optionalText = (v: unknown): boolean => v === undefined || typeof v === 'string';

/** Whether a click's stored `migration` is one this code wrote. */
export function isMigrationClick(value: unknown): value is MigrationClick {
  if (!isRecord(value)) return false;
  switch (value.kind) {
    case 'start':
      return typeof value.who === 'string';
    case 'remove':
      return typeof value.who === 'string' && optionalText(value.reason);
    case 'confirm':
    case 'help': {
      const message = value.message;
      return (
        typeof value.migrationId === 'string' &&
        (message === undefined ||
          (isRecord(message) && typeof message.channel === 'string' && typeof message.ts === 'string'))
      );
    }
    default:
      return false;
  }
}
