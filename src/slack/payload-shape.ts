/**
 * The shape of every body this app takes from Slack, checked before Bolt sees it. Bolt reads `body.user.id`,
 * `body.view.state`, `payload.ssl_check` and more without looking first: a signed body of another shape (the JSON
 * `null`, a click without a user, a submission without its state) threw inside Bolt, answered 500 or ended the
 * process. Slack never sends such bodies, so they are refused as malformed (HTTP 400; dropped in Socket Mode),
 * naming the first field at fault. Only the fields that Bolt or a listener of this app reads are checked, each
 * for the type they are read as; anything else a body holds is let through untouched. Pure; linear in the body.
 */

export type ShapeCheck = { ok: true } | { ok: false; problem: string };

/** What the Socket Mode envelope says the payload is; over HTTP the body says it itself. */
export type BodyKind = 'command' | 'interactive' | 'event';

/** A check returns the problem with `value` (found at `at`), or undefined when there is none. */
type Check = (value: unknown, at: string) => string | undefined;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const text: Check = (v, at) => (typeof v === 'string' ? undefined : `${at} must be text`);
const someText: Check = (v, at) =>
  typeof v === 'string' && v !== '' ? undefined : `${at} must be text that is not empty`;
const anyRecord: Check = (v, at) => (isRecord(v) ? undefined : `${at} must be an object`);

const optional =
  (check: Check): Check =>
  (v, at) =>
    v === undefined ? undefined : check(v, at);
const nullable =
  (check: Check): Check =>
  (v, at) =>
    v === null ? undefined : check(v, at);
const either =
  (first: Check, second: Check): Check =>
  (v, at) =>
    first(v, at) === undefined ? undefined : second(v, at);

/** An object whose named fields pass their checks; other fields are not looked at. */
const record =
  (fields: Readonly<Record<string, Check>>): Check =>
  (v, at) => {
    if (!isRecord(v)) return `${at} must be an object`;
    for (const [key, check] of Object.entries(fields)) {
      const problem = check(v[key], `${at}.${key}`);
      if (problem !== undefined) return problem;
    }
    return undefined;
  };

/** An object whose every value passes `check` (Slack's `state.values`: block id → action id → value). */
const recordOf =
  (check: Check): Check =>
  (v, at) => {
    if (!isRecord(v)) return `${at} must be an object`;
    for (const [key, item] of Object.entries(v)) {
      const problem = check(item, `${at}.${key}`);
      if (problem !== undefined) return problem;
    }
    return undefined;
  };

const list =
  (check: Check, min = 0): Check =>
  (v, at) => {
    if (!Array.isArray(v)) return `${at} must be a list`;
    if (v.length < min) return `${at} must hold at least ${min}`;
    for (let i = 0; i < v.length; i += 1) {
      const problem = check(v[i], `${at}[${i}]`);
      if (problem !== undefined) return problem;
    }
    return undefined;
  };

const user = record({ id: someText });
/** `team` is null for an org-wide install; Bolt then reads `user.team_id`. */
const fromSomeone = { user, team: optional(nullable(anyRecord)), enterprise: optional(nullable(anyRecord)) };

const option = record({ value: text });
/** What one input of a modal holds, for the fields this app reads (others, such as `selected_time`, pass). */
const inputValue = record({
  value: optional(nullable(text)),
  selected_option: optional(nullable(option)),
  selected_options: optional(list(option)),
  selected_user: optional(nullable(text)),
  selected_users: optional(list(text)),
  selected_date: optional(nullable(text)),
});
const state = record({ values: recordOf(recordOf(inputValue)) });
const blocks = optional(list(anyRecord));

const view = {
  callback_id: text,
  private_metadata: optional(text),
  blocks,
  state: optional(state),
};

const blockActions = record({
  ...fromSomeone,
  actions: list(record({ action_id: text, block_id: text, type: optional(text), value: optional(text) }), 1),
  trigger_id: optional(text),
  response_url: optional(text),
  channel: optional(nullable(record({ id: text }))),
  container: optional(anyRecord),
  message: optional(record({ blocks })),
  view: optional(record({ ...view, callback_id: optional(text) })),
});

const viewSubmission = record({
  ...fromSomeone,
  view: record({ ...view, state }),
  response_urls: optional(list(record({ response_url: text }))),
});

const viewClosed = record({ ...fromSomeone, view: record(view) });

const blockSuggestion = record({
  ...fromSomeone,
  action_id: text,
  block_id: text,
  value: text,
  view: optional(record(view)),
});

/** A slash command (form fields: a repeated field would arrive as a list, which Slack never sends). */
const command = record({
  command: someText,
  text,
  user_id: someText,
  channel_id: optional(text),
  response_url: optional(text),
  trigger_id: optional(text),
  team_id: optional(text),
  enterprise_id: optional(text),
});

const eventCallback = record({
  type: (v, at) => (v === 'event_callback' ? undefined : `${at} must be "event_callback"`),
  event: record({
    type: someText,
    user: optional(either(text, record({ id: text }))),
    channel: optional(either(text, anyRecord)),
    item: optional(anyRecord),
    subteam: optional(anyRecord),
    tab: optional(text),
  }),
  authorizations: optional(list(anyRecord)),
  team_id: optional(text),
});

const urlVerification = record({ challenge: text });

/**
 * Which shape a body must have, told apart in the order Bolt tells kinds apart (an `event`, then a `command`, a
 * `name` or a block_suggestion, `actions`, then the view types), so the body is checked as what Bolt will take
 * it for. A string is why it is none of them.
 */
function shapeFor(body: Record<string, unknown>, kind: BodyKind | undefined): Check | string {
  const expect = (wanted: BodyKind, check: Check, what: string): Check | string =>
    kind === undefined || kind === wanted ? check : what;
  if (body.event !== undefined) return expect('event', eventCallback, 'an event');
  if (body.command !== undefined) return expect('command', command, 'a command');
  if (kind === 'event' || kind === 'command') return `not ${kind === 'event' ? 'an event' : 'a command'}`;
  if (body.name !== undefined || body.type === 'block_suggestion')
    return ofType('block_suggestion', blockSuggestion);
  if (body.actions !== undefined || body.type === 'dialog_submission')
    return ofType('block_actions', blockActions);
  if (body.type === 'view_submission') return viewSubmission;
  if (body.type === 'view_closed') return viewClosed;
  return typeof body.type === 'string' ? `of type ${JSON.stringify(body.type.slice(0, 40))}` : 'of no type';
}

/** `check`, on a body whose `type` is `type` (a legacy dialog or attachment body is refused). */
const ofType =
  (type: string, check: Check): Check =>
  (v, at) =>
    isRecord(v) && v.type !== type ? `${at}.type must be "${type}"` : check(v, at);

/**
 * Whether `body` (a parsed request body, or a Socket Mode payload of `kind`) has a shape Slack sends and this
 * app handles. Workflow-function fields are refused too: this app has no functions, and Bolt would take
 * `bot_access_token` from such a body as the token to call Slack with.
 */
export function checkSlackBody(body: unknown, kind?: BodyKind): ShapeCheck {
  if (!isRecord(body)) return { ok: false, problem: 'the body is not an object' };
  if (kind === undefined && body.ssl_check === '1') return { ok: true };
  if (kind === undefined && body.type === 'url_verification') {
    const problem = urlVerification(body, 'body');
    return problem === undefined ? { ok: true } : { ok: false, problem };
  }
  if (body.function_data !== undefined || body.bot_access_token !== undefined) {
    return { ok: false, problem: 'the body carries workflow-function fields' };
  }
  const shape = shapeFor(body, kind);
  if (typeof shape === 'string') return { ok: false, problem: `the body is ${shape}` };
  const problem = shape(body, 'body');
  return problem === undefined ? { ok: true } : { ok: false, problem };
}
