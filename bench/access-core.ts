/**
 * The access core as the bot wires it (the real AWS adapter and its limiter, SQLite in memory, a recording
 * notifier and fake Slack people), over a local Identity Center the bench started: what the whois, account
 * picker and admin benches measure.
 */
import { systemClock } from '../src/access/clock.js';
import { createAccessCore, type AccessCore } from '../src/access/core.js';
import { createAwsAdapter, type AwsAdapter } from '../src/aws/index.js';
import type { AccessDeskConfig } from '../src/config/types.js';
import type { RunningEmulator } from '../src/emulator/server.js';
import { silentLogger } from '../src/log.js';
import { createLedger, type SqlLedger } from '../src/store/index.js';
import { FakeSlackPeople, RecordingNotifier } from '../test/support/recording-notifier.js';

export const BENCH_AWS_CREDENTIALS = { accessKeyId: 'bench', secretAccessKey: 'bench' };

export async function accessCoreOver(
  emulator: RunningEmulator,
  config: AccessDeskConfig,
): Promise<{ ledger: SqlLedger; aws: AwsAdapter; core: AccessCore }> {
  const ledger = await createLedger({ path: ':memory:' });
  const aws = createAwsAdapter(
    {
      region: 'eu-west-1',
      endpoint: emulator.url,
      // A copy each time: the SDK marks the credentials object it is given.
      credentials: { ...BENCH_AWS_CREDENTIALS },
      instanceArn: config.identityCenter.instanceArn,
      identityStoreId: config.identityCenter.identityStoreId,
    },
    silentLogger,
  );
  const core = createAccessCore({
    config,
    ledger,
    directory: aws.directory,
    assignments: aws.assignments,
    catalog: aws.catalog,
    mailer: aws.mailer,
    legacyIam: aws.legacyIam,
    policies: aws.policies,
    applications: aws.applications,
    signIns: aws.signIns,
    notifier: new RecordingNotifier(),
    people: new FakeSlackPeople(),
    clock: systemClock,
    logger: silentLogger,
    runner: { leaseMs: 60_000, retryBaseMs: 1_000 },
    wakeOnChange: false,
  });
  return { ledger, aws, core };
}
