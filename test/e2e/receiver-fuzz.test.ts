/**
 * Fuzzing the receiver (fast-check): random signed bodies through the real Bolt App on loopback, the whole
 * product behind it. Bodies are built as Slack sends them (commands, clicks on every button, submissions of
 * every modal, suggestions, events) and then broken: a field removed, a value of another type put in, random
 * text, another encoding. Whatever arrives, the answer is never a 5xx, nothing escapes to the process (no
 * uncaught exception, no unhandled rejection), and /healthz still answers. Seeded: a failure reproduces, and
 * fast-check prints the smallest batch it found.
 *
 * Action ids, callback ids and command names are always ones the app listens to: Slack sends no others, and
 * a body nobody listens to is answered by Bolt only after Slack's 3 s (with a 404), which would make this slow.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION, BLOCK, CALLBACK } from '../../src/slack/ids.js';
import { PEOPLE, startDesk, type DeskHarness } from '../support/desk-harness.js';
import { watchProcessFaults, type ProcessFaults } from '../support/process-faults.js';
import {
  blockActionsBody,
  blockSuggestionBody,
  eventCallbackBody,
  postToSlackEvents,
  slashCommandBody,
  viewSubmissionBody,
} from '../support/slack-requests.js';

const RUNS = { seed: 20_261_206, numRuns: 40 } as const;
const BATCH = 8;

let h: DeskHarness;
let watch: ProcessFaults;
beforeAll(async () => {
  h = await startDesk();
  watch = watchProcessFaults();
});
afterAll(async () => {
  watch.stop();
  await h.close();
});

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const anyText = (maxLength = 60) => fc.string({ unit: 'binary', maxLength });
const person = fc.constantFrom(...Object.values(PEOPLE), 'U0000NOBODY', 'W0000GRID1');
const someId = fc.oneof(fc.constantFrom('R-00000000', 'G-00000000', '1', '2'), anyText(20));
const jsonValue = fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>;

/** The ids a body is routed by: always one the app listens to (see above), or of another type than text. */
const ROUTING_KEYS = new Set(['action_id', 'callback_id', 'command', 'type']);
/** Where the app posts answers: the fake Slack's, or not a URL at all (never a host off loopback). */
const URL_KEYS = new Set(['response_url', 'responseUrl']);

/** Every path to a value inside `value` (objects and lists), the root first. */
function pathsOf(
  value: Json,
  at: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  out.push(at);
  if (Array.isArray(value)) value.forEach((v, i) => pathsOf(v, [...at, i], out));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) pathsOf(v, [...at, k], out);
  }
  return out;
}

/** `value` with the thing at `path` removed or replaced. */
function mutated(value: Json, path: (string | number)[], replacement: Json | undefined): Json {
  if (path.length === 0) return replacement ?? null;
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = [...value];
    if (rest.length > 0) copy[head as number] = mutated(copy[head as number] ?? null, rest, replacement);
    else if (replacement === undefined) copy.splice(head as number, 1);
    else copy[head as number] = replacement;
    return copy;
  }
  if (value !== null && typeof value === 'object') {
    const copy = { ...value };
    const key = head as string;
    if (rest.length > 0) copy[key] = mutated(copy[key] ?? null, rest, replacement);
    else if (replacement === undefined) delete copy[key];
    else copy[key] = replacement;
    return copy;
  }
  return value;
}

/** One change to a payload: a value removed or replaced, keeping routing ids and answer URLs honest. */
const mutation = fc.record({
  pick: fc.nat(),
  remove: fc.boolean(),
  replacement: jsonValue,
});
function applyMutation(payload: Json, m: { pick: number; remove: boolean; replacement: Json }): Json {
  const paths = pathsOf(payload);
  const path = paths[m.pick % paths.length] ?? [];
  const key = path.at(-1);
  const guarded = typeof key === 'string' && (ROUTING_KEYS.has(key) || URL_KEYS.has(key));
  if (guarded && typeof m.replacement === 'string') return mutated(payload, path, 42);
  return mutated(payload, path, m.remove ? undefined : m.replacement);
}

const payloadOf = (form: string): Json =>
  JSON.parse(new URLSearchParams(form).get('payload') ?? 'null') as Json;
const formOf = (payload: Json): string =>
  new URLSearchParams({ payload: JSON.stringify(payload) }).toString();

/** Interactive payloads as Slack sends them, for every button, modal and suggestion the app has. */
const interactive: fc.Arbitrary<Json> = fc.oneof(
  fc
    .record({
      actionId: fc.constantFrom(
        ACTION.approve,
        ACTION.deny,
        ACTION.cancel,
        ACTION.retry,
        ACTION.extend,
        ACTION.usersNext,
        ACTION.usersPrevious,
      ),
      value: someId,
      blockId: fc.option(
        fc.oneof(fc.constantFrom('decide:R-00000000', 'extend:R-1:G-1', 'users_pager'), anyText(20)),
        {
          nil: undefined,
        },
      ),
      userId: person,
      ephemeral: fc.boolean(),
    })
    .map(({ actionId, value, blockId, userId, ephemeral }) => {
      const body = payloadOf(
        blockActionsBody({
          actionId,
          value,
          userId,
          responseUrl: h.slack.responseUrl('fuzz-click'),
          ...(blockId !== undefined ? { blockId } : {}),
        }),
      ) as { [key: string]: Json };
      if (ephemeral) delete body.message;
      return body;
    }),
  fc
    .record({
      callbackId: fc.constantFrom(...Object.values(CALLBACK)),
      userId: person,
      metadata: fc.oneof(
        fc.constant(''),
        someId,
        fc.constant(JSON.stringify({ who: 'sam.dev@example.com' })),
      ),
      values: fc.dictionary(
        fc.constantFrom(...Object.values(BLOCK)),
        fc.dictionary(
          fc.constantFrom(...Object.values(ACTION)),
          fc.oneof(
            fc.record({
              type: fc.constant('plain_text_input'),
              value: fc.oneof(anyText(), fc.constant(null)),
            }),
            fc.record({
              type: fc.constant('static_select'),
              selected_option: fc.option(fc.record({ value: anyText(20) })),
            }),
            jsonValue,
          ),
          { maxKeys: 2 },
        ),
        { maxKeys: 6 },
      ),
    })
    .map(({ callbackId, userId, metadata, values }) =>
      payloadOf(
        viewSubmissionBody({
          callbackId,
          userId,
          values: values as never,
          ...(metadata !== '' ? { privateMetadata: metadata } : {}),
        }),
      ),
    ),
  fc
    .record({
      actionId: fc.constantFrom(ACTION.pickPermissionSet, ACTION.pickAccounts, ACTION.pickRole),
      value: anyText(40),
      userId: person,
    })
    .map(({ actionId, value, userId }) =>
      payloadOf(blockSuggestionBody({ actionId, blockId: BLOCK.permissionSet, value, userId })),
    ),
);

/** What one fuzzed request is: its body, its content type, and whether it is signed. */
interface Fuzzed {
  body: string;
  contentType?: string;
  signed: boolean;
}

const request: fc.Arbitrary<Fuzzed> = fc.oneof(
  // A button, a modal or a suggestion, changed in one or two places.
  fc
    .tuple(interactive, fc.array(mutation, { maxLength: 2 }))
    .map(([payload, ms]) => ({ body: formOf(ms.reduce(applyMutation, payload)), signed: true })),
  // A slash command with any text, or with a field removed or repeated.
  fc
    .record({
      text: fc.oneof(anyText(200), fc.constantFrom('request', 'whois', 'users 2', 'pending', 'help')),
      userId: person,
      drop: fc.option(fc.constantFrom('user_id', 'text', 'command', 'response_url', 'trigger_id'), {
        nil: undefined,
      }),
      repeat: fc.option(fc.constantFrom('text', 'user_id'), { nil: undefined }),
    })
    .map(({ text, userId, drop, repeat }) => {
      const form = new URLSearchParams(
        slashCommandBody({ text, userId, responseUrl: h.slack.responseUrl('fuzz-command') }),
      );
      if (drop !== undefined) form.delete(drop);
      if (repeat !== undefined) form.append(repeat, 'again');
      return { body: form.toString(), signed: true };
    }),
  // An event, changed.
  fc
    .tuple(
      fc.record({
        type: fc.constantFrom('app_home_opened', 'message', 'app_mention'),
        user: person,
        tab: anyText(6),
      }),
      fc.array(mutation, { maxLength: 2 }),
    )
    .map(([event, ms]) => ({
      body: JSON.stringify(ms.reduce(applyMutation, JSON.parse(eventCallbackBody(event)) as Json)),
      contentType: 'application/json',
      signed: true,
    })),
  // Any JSON at all, as the payload field or as the body.
  fc
    .tuple(jsonValue, fc.boolean())
    .map(([value, asForm]) =>
      asForm
        ? { body: formOf(value), signed: true }
        : { body: JSON.stringify(value), contentType: 'application/json', signed: true },
    ),
  // Any text, with any of the content types Slack uses or not.
  fc
    .tuple(
      anyText(200),
      fc.constantFrom('application/x-www-form-urlencoded', 'application/json', 'text/plain'),
    )
    .map(([body, contentType]) => ({ body, contentType, signed: true })),
  // And the same without a valid signature.
  fc.tuple(interactive, fc.boolean()).map(([payload]) => ({ body: formOf(payload), signed: false })),
);

async function send(fuzzed: Fuzzed): Promise<number> {
  const answer = await postToSlackEvents(h.target, fuzzed.body, {
    ...(fuzzed.contentType !== undefined ? { contentType: fuzzed.contentType } : {}),
    ...(fuzzed.signed ? {} : { signature: `v0=${'0'.repeat(64)}` }),
  });
  return answer.status;
}

describe('the Slack receiver under random signed bodies', () => {
  it('never answers 5xx, lets nothing escape to the process, and keeps /healthz answering', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(request, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
        const statuses = await Promise.all(batch.map(send));
        statuses.forEach((status, i) => {
          expect(status, batch[i]?.body.slice(0, 300)).toBeLessThan(500);
          if (batch[i]?.signed === false) expect(status).toBe(401);
        });
        expect((await fetch(`${h.target.url}/healthz`)).status).toBe(200);
        expect(watch.faults).toEqual([]);
      }),
      RUNS,
    );
  }, 240_000);
});
