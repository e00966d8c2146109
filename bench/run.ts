/**
 * npm run bench: figures for the AWS side of access-desk against the local Identity Center with AWS's rate
 * limits on and a realistic latency. It prints; it does not fail. Later issues add the Slack-side figures.
 */
import { GetUserIdCommand, IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { createAwsAdapter } from '../src/aws/index.js';
import { applySeed, checkSeed, exampleSeed } from '../src/emulator/seed.js';
import { startEmulator } from '../src/emulator/server.js';
import { silentLogger } from '../src/log.js';
import { benchAccountPicker } from './account-picker.js';
import { benchBulkOnboarding, benchOffboarding, benchRoleChange } from './admin-scale.js';
import { benchAudit } from './audit.js';
import { benchAuditUpload } from './audit-upload.js';
import { benchCoreLoop } from './core-loop.js';
import { benchLedger } from './ledger.js';
import { benchMassExpiry } from './mass-expiry.js';
import { benchParsers } from './parsers.js';
import { benchReplicas } from './replicas.js';
import { benchWhois } from './whois.js';

const LATENCY_MS = 40;
const LOOKUPS = 200;
const ASSIGNMENTS = 30;
const PROVISIONING_MS = 300;
const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench' };

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const people = Array.from({ length: LOOKUPS }, (_v, i) => `bench.person${i}@example.com`);

async function benchLookups(): Promise<void> {
  const emulator = await startEmulator({
    credentials: [credentials],
    seed: true,
    faults: { latencyMs: LATENCY_MS },
  });
  const base = exampleSeed();
  applySeed(
    emulator.state,
    checkSeed({
      users: people.map((email, i) => ({
        userName: email,
        givenName: 'Bench',
        familyName: `Person${i}`,
        email,
      })),
    }),
  );
  const storeId = emulator.state.instance.IdentityStoreId;

  // What a script does today: fire the calls, let the SDK retry what is throttled.
  const raw = new IdentitystoreClient({ endpoint: emulator.url, region: 'eu-west-1', credentials });
  let failed = 0;
  let start = performance.now();
  await Promise.all(
    people.map((email) =>
      raw
        .send(
          new GetUserIdCommand({
            IdentityStoreId: storeId,
            AlternateIdentifier: {
              UniqueAttribute: { AttributePath: 'emails.value', AttributeValue: email },
            },
          }),
        )
        .catch(() => (failed += 1)),
    ),
  );
  const rawMs = performance.now() - start;
  const rawThrottled = emulator.calls.filter((c) => c.errorCode === 'ThrottlingException').length;
  raw.destroy();

  emulator.calls.length = 0;
  const adapter = createAwsAdapter(
    {
      region: 'eu-west-1',
      endpoint: emulator.url,
      credentials,
      identityStoreId: storeId,
      instanceArn: emulator.state.instance.InstanceArn,
    },
    silentLogger,
  );
  let errors = 0;
  start = performance.now();
  await Promise.all(
    people.map(async (email) => {
      const found = await adapter.directory.findUserByEmail(email);
      if (!found.ok || found.value === undefined) errors += 1;
    }),
  );
  const adapterMs = performance.now() - start;
  const calls = emulator.calls.length;
  const throttled = emulator.calls.filter((c) => c.errorCode === 'ThrottlingException').length;
  // The floor: each identitystore API admits a burst of one second's budget, then 20 a second, in parallel.
  const perApi = new Map<string, number>();
  for (const c of emulator.calls) perApi.set(c.operation, (perApi.get(c.operation) ?? 0) + 1);
  const floorMs =
    Math.max(...[...perApi.values()].map((n) => Math.max(0, ((n - 20) / 20) * 1000))) + 2 * LATENCY_MS;
  const apis = [...perApi].map(([op, n]) => `${n} ${op}`).join(' + ');
  adapter.close();
  await emulator.close();

  console.log(
    `\n${LOOKUPS} concurrent lookups by email (GetUserId), rate limits on, ${LATENCY_MS} ms latency, ${base.users.length + LOOKUPS} users`,
  );
  console.log(
    `  SDK alone (default retries):  ${seconds(rawMs)}, ${rawThrottled} throttled answers, ${failed} calls failed for the caller`,
  );
  console.log(
    `  access-desk adapter:          ${seconds(adapterMs)}, ${calls} calls (${apis}), ${throttled} throttled answers, ${errors} errors for the caller`,
  );
  console.log(
    `  floor set by the rate limit:  ${seconds(floorMs)}  → ratio ${(adapterMs / floorMs).toFixed(2)}×`,
  );
}

async function benchAssignments(): Promise<void> {
  const emulator = await startEmulator({
    credentials: [credentials],
    seed: true,
    faults: { latencyMs: LATENCY_MS, provisioningDelayMs: PROVISIONING_MS },
  });
  const users = people.slice(0, ASSIGNMENTS);
  applySeed(
    emulator.state,
    checkSeed({
      users: users.map((email, i) => ({ userName: email, givenName: 'Bench', familyName: `P${i}`, email })),
    }),
  );
  const adapter = createAwsAdapter(
    {
      region: 'eu-west-1',
      endpoint: emulator.url,
      credentials,
      identityStoreId: emulator.state.instance.IdentityStoreId,
      instanceArn: emulator.state.instance.InstanceArn,
    },
    silentLogger,
  );
  const ps = emulator.state.permissionSetByName('Developer')!.PermissionSetArn;
  const start = performance.now();
  const results = await Promise.all(
    users.map((email) => {
      const id = emulator.state.userByName(email)!.UserId;
      return adapter.assignments.create({
        accountId: '111111111111',
        permissionSetArn: ps,
        principal: { type: 'USER', id },
      });
    }),
  );
  const ms = performance.now() - start;
  const ok = results.filter((r) => r.ok).length;
  const calls = emulator.calls.length;
  const throttled = emulator.calls.filter((c) => c.errorCode === 'ThrottlingException').length;
  // At most 15 in progress: two waves of provisioning, each bounded by sso-admin's 20 calls a second.
  const floorMs = Math.ceil(ASSIGNMENTS / 15) * PROVISIONING_MS + ((calls - 20) / 20) * 1000;
  adapter.close();
  await emulator.close();
  console.log(
    `\n${ASSIGNMENTS} assignments created at once (${PROVISIONING_MS} ms provisioning, at most 15 in progress)`,
  );
  console.log(
    `  ${ok}/${ASSIGNMENTS} succeeded in ${seconds(ms)}, ${calls} sso-admin calls (polls included), ${throttled} throttled answers`,
  );
  console.log(`  rough floor: ${seconds(floorMs)}  → ratio ${(ms / floorMs).toFixed(2)}×`);
}

/**
 * Only some parts: `npm run bench -- --only mass-expiry` (or `--only=a,b`, or `--only a --only b`), or
 * BENCH_ONLY=replicas (a comma list of the names below); both given, the parts named by either run.
 */
function onlyArguments(args: readonly string[]): string[] {
  const names: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    if (arg === '--only') {
      const value = args[i + 1];
      if (value === undefined || value.startsWith('--')) throw new Error('--only needs a part name');
      names.push(value);
      i += 1;
    } else if (arg.startsWith('--only=')) {
      names.push(arg.slice('--only='.length));
    } else {
      throw new Error(`unknown argument ${arg} (only --only <name,name> is understood)`);
    }
  }
  return names;
}

const only = new Set(
  [process.env.BENCH_ONLY ?? '', ...onlyArguments(process.argv.slice(2))]
    .flatMap((list) => list.split(','))
    .map((name) => name.trim())
    .filter((name) => name !== ''),
);
const PARTS = [
  'parsers',
  'lookups',
  'assignments',
  'core-loop',
  'audit',
  'whois',
  'replicas',
  'mass-expiry',
  'offboarding',
  'role-change',
  'bulk-onboarding',
  'account-picker',
  'ledger',
  'audit-upload',
] as const;
const unknown = [...only].filter((name) => !(PARTS as readonly string[]).includes(name));
if (unknown.length > 0)
  throw new Error(`no bench part named ${unknown.join(', ')} (the parts: ${PARTS.join(', ')})`);
const wanted = (name: (typeof PARTS)[number]): boolean => only.size === 0 || only.has(name);

console.log('access-desk benchmarks (local Identity Center, AWS rate limits on)');
if (wanted('parsers')) benchParsers();
if (wanted('lookups')) await benchLookups();
if (wanted('assignments')) await benchAssignments();
// The ledger's reads first: timed to the tenth of a millisecond, they are best read before the other parts have
// filled this process's heap.
if (wanted('ledger')) await benchLedger();
if (wanted('core-loop')) await benchCoreLoop();
if (wanted('audit')) await benchAudit();
if (wanted('whois')) await benchWhois();
if (wanted('replicas')) await benchReplicas();
if (wanted('mass-expiry')) await benchMassExpiry();
if (wanted('offboarding')) await benchOffboarding();
if (wanted('role-change')) await benchRoleChange();
if (wanted('bulk-onboarding')) await benchBulkOnboarding();
if (wanted('account-picker')) await benchAccountPicker();
if (wanted('audit-upload')) await benchAuditUpload();
