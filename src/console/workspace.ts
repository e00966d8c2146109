/**
 * The sandbox's Slack workspace, in memory: the people, the channels and direct messages, messages (ephemeral
 * ones for one person), each person's modal stack and Home tab, trigger ids and response URLs handed to the
 * bot, and uploaded files. The console's Web API (web-api.ts) and its link to the bot (bot-link.ts) change it;
 * the page reads it. Every change bumps `version` and tells the listeners, so the page can redraw.
 *
 * Response URLs, trigger ids and upload URLs carry a random part (160 bits), as Slack's do: whoever holds one
 * can post as the bot, so none may be guessed from another.
 */
import { randomBytes } from 'node:crypto';

export interface ConsolePerson {
  id: string;
  /** The Slack handle, e.g. `sam.dev`. */
  name: string;
  realName: string;
  email: string;
  title: string;
  roles: ('requester' | 'lead' | 'approver' | 'admin')[];
  /** One line for the person picker: "Engineering lead · approves (leads)". */
  roleText: string;
}

export interface Conversation {
  id: string;
  name: string;
  kind: 'channel' | 'im';
  /** A direct message: the person talking with the bot. */
  userId?: string;
}

export interface ConsoleFile {
  id: string;
  name: string;
  title?: string;
  length: number;
  bytes?: Buffer;
  /** The random part of the upload URL the bot was handed; not kept across a restart (nor is an upload). */
  uploadToken?: string;
}

/** 160 random bits, hex: an id that no other id tells anything about. */
export const unguessable = (): string => randomBytes(20).toString('hex');

export interface ConsoleMessage {
  channel: string;
  ts: string;
  /** The author: the bot's user id, or a person's. */
  user: string;
  botId?: string;
  text: string;
  blocks?: unknown[];
  /** Secondary attachments as posted (`{ color, blocks }`): drawn under the blocks with a coloured bar. */
  attachments?: unknown[];
  files?: { id: string; name: string; title?: string }[];
  /** Shown to this person only (chat.postEphemeral, slash command answers, response URLs). */
  visibleTo?: string;
  edited: boolean;
}

export interface OpenView {
  id: string;
  userId: string;
  view: Record<string, unknown>;
  /** Field errors from `response_action: errors`, block id → message. */
  errors?: Record<string, string>;
}

export interface Trigger {
  userId: string;
  /** Epoch ms when it was handed out; Slack honours a trigger for 3 seconds, once. */
  at: number;
  used: boolean;
}

/** Where a response URL answers: the conversation of a slash command, or the message a button was on. */
export interface ResponseTarget {
  userId: string;
  channel: string;
  messageTs?: string;
  at: number;
  uses: number;
}

export interface SavedWorkspace {
  messages: ConsoleMessage[];
  homes: [string, Record<string, unknown>][];
  files: { id: string; name: string; title?: string; length: number; base64?: string }[];
  counter: number;
  tsCounter: number;
}

export const BOT = { userId: 'U0000BOT01', botId: 'B0000BOT01', name: 'access-desk' } as const;
export const TEAM = { id: 'T0000TEAM', domain: 'example' } as const;
export const APP_ID = 'A0000ACCESS';
export const TRIGGER_LIFETIME_MS = 3000;
/** Slack: a response URL works five times within 30 minutes. */
export const RESPONSE_URL_USES = 5;
export const RESPONSE_URL_LIFETIME_MS = 30 * 60_000;
/** Slack keeps at most three views in a modal's stack. */
export const MAX_MODAL_DEPTH = 3;

export class Workspace {
  readonly people: ConsolePerson[];
  private readonly channels: Conversation[];
  private messages: ConsoleMessage[] = [];
  private modals = new Map<string, OpenView[]>();
  private homes = new Map<string, Record<string, unknown>>();
  private triggers = new Map<string, Trigger>();
  private responses = new Map<string, ResponseTarget>();
  private files = new Map<string, ConsoleFile>();
  private counter = 0;
  private tsCounter = 0;
  private listeners = new Set<(version: number) => void>();
  version = 0;

  constructor(
    people: ConsolePerson[],
    channels: Conversation[],
    private readonly now: () => number = Date.now,
  ) {
    this.people = people;
    this.channels = channels;
  }

  /** Forgets every message, modal, Home tab, trigger, response URL and file. */
  clear(): void {
    this.messages = [];
    this.modals.clear();
    this.homes.clear();
    this.triggers.clear();
    this.responses.clear();
    this.files.clear();
    this.changed();
  }

  /** What survives a restart: messages, Home tabs, files and the counters behind their ids. */
  snapshot(): SavedWorkspace {
    return {
      messages: this.messages,
      homes: [...this.homes.entries()],
      files: [...this.files.values()].map((f) => ({
        id: f.id,
        name: f.name,
        length: f.length,
        ...(f.title !== undefined ? { title: f.title } : {}),
        ...(f.bytes !== undefined ? { base64: f.bytes.toString('base64') } : {}),
      })),
      counter: this.counter,
      tsCounter: this.tsCounter,
    };
  }

  /** Puts back a snapshot; open modals, triggers and response URLs are not kept (Slack's expire too). */
  restore(saved: SavedWorkspace): void {
    this.messages = [...saved.messages];
    this.homes = new Map(saved.homes);
    this.files = new Map(
      saved.files.map((f) => [
        f.id,
        {
          id: f.id,
          name: f.name,
          length: f.length,
          ...(f.title !== undefined ? { title: f.title } : {}),
          ...(f.base64 !== undefined ? { bytes: Buffer.from(f.base64, 'base64') } : {}),
        },
      ]),
    );
    this.counter = saved.counter;
    this.tsCounter = saved.tsCounter;
    this.changed();
  }

  onChange(listener: (version: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  changed(): void {
    this.version += 1;
    for (const listener of this.listeners) listener(this.version);
  }

  person(id: string): ConsolePerson | undefined {
    return this.people.find((p) => p.id === id);
  }

  nextId(prefix: string, width = 8): string {
    this.counter += 1;
    return `${prefix}${String(this.counter).padStart(width, '0')}`;
  }

  private nextTs(): string {
    // Slack's ts: seconds since the epoch and a counter, unique per channel and increasing.
    this.tsCounter += 1;
    return `${Math.floor(this.now() / 1000)}.${String(this.tsCounter).padStart(6, '0')}`;
  }

  // ---------- conversations ----------

  static dmChannelOf(userId: string): string {
    return `D${userId.replace(/^[UW]/, '')}`;
  }

  /** The channels, then this person's direct message with the bot. */
  conversationsFor(userId: string): Conversation[] {
    const dm: Conversation = { id: Workspace.dmChannelOf(userId), name: BOT.name, kind: 'im', userId };
    return [...this.channels, dm];
  }

  conversation(id: string): Conversation | undefined {
    const channel = this.channels.find((c) => c.id === id);
    if (channel !== undefined) return channel;
    const person = this.people.find((p) => Workspace.dmChannelOf(p.id) === id);
    return person === undefined ? undefined : { id, name: BOT.name, kind: 'im', userId: person.id };
  }

  /** A channel id, a DM id, or a user id (which Slack turns into the DM with the app). */
  resolveChannel(requested: string): Conversation | undefined {
    if (/^[UW]/.test(requested)) {
      return this.person(requested) === undefined
        ? undefined
        : this.conversation(Workspace.dmChannelOf(requested));
    }
    return this.conversation(requested);
  }

  // ---------- messages ----------

  post(message: Omit<ConsoleMessage, 'ts' | 'edited'>): ConsoleMessage {
    const stored: ConsoleMessage = { ...message, ts: this.nextTs(), edited: false };
    this.messages.push(stored);
    this.changed();
    return stored;
  }

  message(channel: string, ts: string): ConsoleMessage | undefined {
    return this.messages.find((m) => m.channel === channel && m.ts === ts);
  }

  update(
    channel: string,
    ts: string,
    change: { text: string; blocks?: unknown[]; attachments?: unknown[] },
  ): ConsoleMessage | undefined {
    const found = this.message(channel, ts);
    if (found === undefined) return undefined;
    found.text = change.text;
    if (change.blocks === undefined) delete found.blocks;
    else found.blocks = change.blocks;
    // As in Slack: attachments left out of an update are kept, an empty list removes them.
    if (change.attachments !== undefined) {
      if (change.attachments.length === 0) delete found.attachments;
      else found.attachments = change.attachments;
    }
    found.edited = true;
    this.changed();
    return found;
  }

  delete(channel: string, ts: string): boolean {
    const before = this.messages.length;
    this.messages = this.messages.filter((m) => !(m.channel === channel && m.ts === ts));
    const removed = this.messages.length !== before;
    if (removed) this.changed();
    return removed;
  }

  /** What this person sees in a conversation: every message, and the ephemeral ones shown to them. */
  messagesIn(channel: string, viewer: string): ConsoleMessage[] {
    return this.messages.filter(
      (m) => m.channel === channel && (m.visibleTo === undefined || m.visibleTo === viewer),
    );
  }

  // ---------- triggers and response URLs ----------

  newTrigger(userId: string): string {
    const id = `${this.nextId('', 10)}.${TEAM.id}.${unguessable()}`;
    this.triggers.set(id, { userId, at: this.now(), used: false });
    return id;
  }

  /** Slack's checks: a known trigger, used once, within 3 seconds. */
  useTrigger(id: string): { ok: true; userId: string } | { ok: false; error: string } {
    const trigger = this.triggers.get(id);
    if (trigger === undefined) return { ok: false, error: 'invalid_trigger_id' };
    if (trigger.used) return { ok: false, error: 'exchanged_trigger_id' };
    if (this.now() - trigger.at > TRIGGER_LIFETIME_MS) return { ok: false, error: 'expired_trigger_id' };
    trigger.used = true;
    return { ok: true, userId: trigger.userId };
  }

  newResponseUrl(target: Omit<ResponseTarget, 'at' | 'uses'>): string {
    const id = `${TEAM.id}/${unguessable()}`;
    this.responses.set(id, { ...target, at: this.now(), uses: 0 });
    return id;
  }

  useResponseUrl(id: string): { ok: true; target: ResponseTarget } | { ok: false; error: string } {
    const target = this.responses.get(id);
    if (target === undefined) return { ok: false, error: 'invalid_response_url' };
    if (this.now() - target.at > RESPONSE_URL_LIFETIME_MS || target.uses >= RESPONSE_URL_USES)
      return { ok: false, error: 'expired_url' };
    target.uses += 1;
    return { ok: true, target };
  }

  // ---------- modals and the Home tab ----------

  /** The top of this person's modal stack. */
  modalOf(userId: string): (OpenView & { depth: number }) | undefined {
    const stack = this.modals.get(userId);
    const top = stack?.at(-1);
    return top === undefined ? undefined : { ...top, depth: stack?.length ?? 0 };
  }

  findView(viewId: string): OpenView | undefined {
    for (const stack of this.modals.values()) {
      const found = stack.find((v) => v.id === viewId);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  findViewByExternalId(externalId: string): OpenView | undefined {
    for (const stack of this.modals.values()) {
      const found = stack.find((v) => v.view.external_id === externalId);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /** A view as Slack stores it: the app's view with its id, a new hash and empty state. */
  private stamped(
    view: Record<string, unknown>,
    id: string,
    extra: Record<string, unknown> = {},
  ): Record<string, unknown> {
    return {
      ...view,
      id,
      team_id: TEAM.id,
      app_id: APP_ID,
      bot_id: BOT.botId,
      hash: this.nextId('h.', 8),
      state: { values: {} },
      ...extra,
    };
  }

  private newView(userId: string, view: Record<string, unknown>, previous?: OpenView): OpenView {
    const id = this.nextId('V', 10);
    const root = this.modals.get(userId)?.[0];
    const full = this.stamped(view, id, {
      root_view_id: previous === undefined ? id : (root?.id ?? id),
      previous_view_id: previous?.id ?? null,
    });
    return { id, userId, view: full };
  }

  openModal(userId: string, view: Record<string, unknown>): OpenView {
    const opened = this.newView(userId, view);
    this.modals.set(userId, [opened]);
    this.changed();
    return opened;
  }

  pushModal(userId: string, view: Record<string, unknown>): OpenView | { error: string } {
    const stack = this.modals.get(userId) ?? [];
    if (stack.length === 0) return { error: 'not_found' };
    if (stack.length >= MAX_MODAL_DEPTH) return { error: 'push_limit_reached' };
    const pushed = this.newView(userId, view, stack.at(-1));
    stack.push(pushed);
    this.changed();
    return pushed;
  }

  /** views.update: the view keeps its id; a stale hash is refused as Slack does. */
  updateView(target: OpenView, view: Record<string, unknown>, hash?: string): OpenView | { error: string } {
    if (hash !== undefined && hash !== target.view.hash) return { error: 'hash_conflict' };
    target.view = this.stamped(view, target.id, {
      root_view_id: target.view.root_view_id,
      previous_view_id: target.view.previous_view_id,
    });
    delete target.errors;
    this.changed();
    return target;
  }

  setErrors(target: OpenView, errors: Record<string, string>): void {
    target.errors = errors;
    this.changed();
  }

  /** Closes the top view (or, with `all`, the whole stack). */
  closeModal(userId: string, all = false): void {
    const stack = this.modals.get(userId);
    if (stack === undefined) return;
    if (all || stack.length <= 1) this.modals.delete(userId);
    else stack.pop();
    this.changed();
  }

  publishHome(userId: string, view: Record<string, unknown>): Record<string, unknown> {
    const existing = this.homes.get(userId);
    const id = typeof existing?.id === 'string' ? existing.id : this.nextId('V', 10);
    const full = this.stamped(view, id);
    this.homes.set(userId, full);
    this.changed();
    return full;
  }

  homeOf(userId: string): Record<string, unknown> | undefined {
    return this.homes.get(userId);
  }

  homeOwner(viewId: string): string | undefined {
    for (const [userId, view] of this.homes) if (view.id === viewId) return userId;
    return undefined;
  }

  // ---------- files ----------

  newFile(name: string, length: number): ConsoleFile {
    const file: ConsoleFile = { id: this.nextId('F', 10), name, length, uploadToken: unguessable() };
    this.files.set(file.id, file);
    return file;
  }

  /** The file an upload URL was handed out for. */
  fileByUploadToken(token: string): ConsoleFile | undefined {
    for (const file of this.files.values()) if (file.uploadToken === token) return file;
    return undefined;
  }

  file(id: string): ConsoleFile | undefined {
    return this.files.get(id);
  }
}
