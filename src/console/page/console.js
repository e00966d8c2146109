// @ts-check
/**
 * The sandbox console's page: it reads the state through the console's HTTP API (README: "The console's HTTP API"), inserts
 * the Block Kit the server rendered, and turns clicks, choices, modal submissions and typed commands into API
 * calls, as the Slack client would. No framework, no build step.
 */

import { drawOrg } from './org.js';

const api = '/console/api';

/** @type {{ id: string, name: string, realName: string, roleText: string, roles: string[] }[]} */
let people = [];
/** @type {string} */
let me = '';
/** @type {{ kind: 'conversation', id: string } | { kind: 'home' | 'mailbox' | 'org' }} */
let pane = { kind: 'conversation', id: 'C0000GENERAL' };
/** @type {any} */
let state = null;
/** The modal on screen: its id and hash, so a refresh keeps what the person typed unless the view changed. */
let shownModal = { id: '', hash: '' };
let lastMessageCount = -1;

// ---------- what has been read ----------

/** Slack's ts as numbers, to compare: seconds, then the counter. @param {string} ts */
const tsParts = (ts) => ts.split('.').map(Number);
/** @param {string} a @param {string} b */
const tsAfter = (a, b) => {
  const [as = 0, ac = 0] = tsParts(a);
  const [bs = 0, bc = 0] = tsParts(b);
  return as > bs || (as === bs && ac > bc);
};
const readKey = () => `access-desk.read.${me}`;

/**
 * The ts of the last message each person has seen in each conversation, kept in the browser (as Slack keeps
 * it per person) so that a reload does not bring a read badge back.
 * @returns {Record<string, string>}
 */
function readMarks() {
  try {
    const marks = JSON.parse(localStorage.getItem(readKey()) ?? '{}');
    return typeof marks === 'object' && marks !== null ? marks : {};
  } catch {
    return {};
  }
}

/** The open conversation is read: everything in it now, including what arrived while it was open. @param {any} c */
function markRead(c) {
  const last = c.messages.at(-1)?.ts;
  if (last === undefined) return;
  const marks = readMarks();
  if (marks[c.id] !== undefined && !tsAfter(last, marks[c.id])) return;
  marks[c.id] = last;
  localStorage.setItem(readKey(), JSON.stringify(marks));
}

/** Messages from others since the person last looked. @param {any} c @param {Record<string, string>} marks */
function unreadIn(c, marks) {
  const seen = marks[c.id];
  return c.messages.filter(
    (/** @type {any} */ m) => m.user !== me && (seen === undefined || tsAfter(m.ts, seen)),
  ).length;
}

/** @param {string} id */
const byId = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/**
 * The console did not answer at all (stopped, restarting): not an error to show, but a state. The page says
 * "Reconnecting…" and asks again until it answers (see `lostConnection`).
 */
class ConnectionLost extends Error {
  constructor() {
    super('The console is not answering: reconnecting…');
  }
}

/**
 * Everything but a GET goes as JSON: the console refuses any other body (415), so that another site's page, which
 * can post text or a form without asking, cannot act through it.
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 */
async function call(method, path, body) {
  let response;
  let text;
  try {
    response = await fetch(`${api}${path}`, {
      method,
      ...(method !== 'GET'
        ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) }
        : {}),
    });
    text = await response.text();
  } catch {
    // fetch rejects only when no answer came: the browser's own words ("Failed to fetch") mean nothing here.
    lostConnection();
    throw new ConnectionLost();
  }
  const parsed = text === '' ? {} : JSON.parse(text);
  if (!response.ok) throw new Error(parsed.error ?? `${response.status}`);
  return parsed;
}

/** Shows what went wrong, unless it is the lost connection, which the status line already says. @param {unknown} error */
function fail(error) {
  if (error instanceof ConnectionLost) return;
  notice(String(/** @type {Error} */ (error)?.message ?? error), 'error');
}

// ---------- the connection ----------

/** Whether the console answered the last time it was asked. */
let connected = true;
let reconnectTimer = 0;
/** @type {EventSource | undefined} */
let events;

/** @param {'reconnecting' | 'connected'} status */
function showConnection(status) {
  const el = byId('connection');
  clearTimeout(Number(el.dataset.timer));
  el.className = `connection ${status}`;
  el.textContent =
    status === 'connected'
      ? 'Connected'
      : queued
        ? 'Reconnecting… what you sent goes once the console is back'
        : 'Reconnecting…';
  el.hidden = false;
  if (status === 'connected') el.dataset.timer = String(setTimeout(() => (el.hidden = true), 4000));
}

/**
 * The console stopped answering: say so, and ask it again (1 s, then up to every 5 s) until it answers; then
 * say it is back, listen to its events anew, send the command sent meanwhile (sendQueued) and redraw. What the
 * person typed stays in the box until the console took it.
 */
function lostConnection() {
  if (!connected) return;
  connected = false;
  showConnection('reconnecting');
  let delay = 1000;
  const poll = async () => {
    try {
      const response = await fetch(`${api}/people`, { cache: 'no-store' });
      if (response.ok) {
        connected = true;
        showConnection('connected');
        listen();
        sendQueued();
        scheduleRefresh();
        return;
      }
    } catch {
      // Still away.
    }
    delay = Math.min(delay * 1.5, 5000);
    reconnectTimer = setTimeout(poll, delay);
  };
  clearTimeout(reconnectTimer);
  reconnectTimer = setTimeout(poll, delay);
}

/** @param {string} message @param {'info' | 'error'} [kind] */
function notice(message, kind = 'info') {
  const el = byId('notice');
  el.textContent = message;
  el.className = `notice ${kind}`;
  el.hidden = false;
  clearTimeout(Number(el.dataset.timer));
  el.dataset.timer = String(setTimeout(() => (el.hidden = true), kind === 'error' ? 8000 : 4000));
}

/** What Slack shows when the app did not answer. @param {any} answer */
function reportFailure(answer) {
  if (answer && answer.ok === false && answer.error) {
    notice(
      answer.error === 'operation_timeout'
        ? 'access-desk did not answer within 3 seconds (operation_timeout), as Slack would report it.'
        : `access-desk could not be reached: ${answer.error}`,
      'error',
    );
  }
}

// ---------- the person ----------

async function loadPeople() {
  people = await call('GET', '/people');
  const select = /** @type {HTMLSelectElement} */ (byId('who'));
  select.innerHTML = '';
  for (const p of people) {
    const option = document.createElement('option');
    option.value = p.id;
    option.textContent = `${p.realName} — ${p.roles.includes('admin') ? 'admin' : p.roles.includes('lead') ? 'lead' : p.roles.includes('approver') ? 'approver' : 'requester'}`;
    select.append(option);
  }
  const saved = localStorage.getItem('access-desk.who');
  me = people.some((p) => p.id === saved)
    ? /** @type {string} */ (saved)
    : ((people.find((p) => p.id === 'U0000JAY01') ?? people[0])?.id ?? '');
  select.value = me;
  showRole();
}

function showRole() {
  const person = people.find((p) => p.id === me);
  byId('who-role').textContent = person ? `${person.roleText} · ${person.id}` : '';
}

// ---------- drawing ----------

/**
 * An element with a class and, if given, its text (never markup).
 * @param {string} tag @param {string} className @param {string} [text]
 */
function element(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

/** @param {string} ts */
function timeOf(ts) {
  const date = new Date(Number(ts.split('.')[0]) * 1000);
  return date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/** @param {string} userId */
function authorOf(userId) {
  if (userId.startsWith('U0000BOT')) return 'access-desk';
  return people.find((p) => p.id === userId)?.realName ?? userId;
}

function drawNav() {
  const channels = byId('channels');
  const dms = byId('dms');
  channels.innerHTML = '';
  dms.innerHTML = '';
  const openId = pane.kind === 'conversation' ? pane.id : undefined;
  const open = state.conversations.find((/** @type {any} */ c) => c.id === openId);
  if (open) markRead(open);
  const marks = readMarks();
  for (const c of state.conversations) {
    const li = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'nav-item';
    button.dataset.conversation = c.id;
    button.dataset.testid = `conversation-${c.id}`;
    button.textContent = c.kind === 'channel' ? `# ${c.name}` : `💬 ${c.name}`;
    const unread = unreadIn(c, marks);
    if (unread > 0) {
      const count = document.createElement('span');
      count.className = 'count';
      count.dataset.testid = 'unread';
      count.textContent = String(unread);
      count.title = `${unread} unread`;
      button.append(count);
    }
    if (pane.kind === 'conversation' && pane.id === c.id) button.classList.add('active');
    li.append(button);
    (c.kind === 'channel' ? channels : dms).append(li);
  }
  for (const button of document.querySelectorAll('[data-pane]')) {
    button.classList.toggle('active', /** @type {HTMLElement} */ (button).dataset.pane === pane.kind);
  }
}

function drawPane() {
  const sections = { conversation: 'messages', home: 'home', mailbox: 'mailbox', org: 'org' };
  for (const [kind, id] of Object.entries(sections)) byId(id).hidden = kind !== pane.kind;
  const title = byId('pane-title');
  const subtitle = byId('pane-subtitle');
  if (pane.kind === 'conversation') {
    const id = pane.id;
    const c = state.conversations.find((/** @type {any} */ x) => x.id === id);
    title.textContent = c ? (c.kind === 'channel' ? `#${c.name}` : `access-desk (direct message)`) : id;
    subtitle.textContent =
      c?.kind === 'channel'
        ? c.id === 'C0000APPROV'
          ? 'Approval cards go here'
          : ''
        : 'The bot writes to you here';
    drawMessages(c);
  } else if (pane.kind === 'home') {
    title.textContent = 'access-desk · Home';
    subtitle.textContent = 'Your access, your requests, and what waits for your approval';
    byId('home').innerHTML = state.home ? state.home.html : '<p class="empty">Opening the Home tab…</p>';
  } else if (pane.kind === 'mailbox') {
    title.textContent = 'Mailbox';
    subtitle.textContent = 'The emails Amazon SES would have sent';
  } else {
    title.textContent = 'Organisation';
    subtitle.textContent = 'The local Identity Center as it is now: sessions, assignments, users, groups';
  }
}

/** What to try first, by who you are: each suggestion fills the message box. */
function firstSteps() {
  const person = people.find((p) => p.id === me);
  const roles = person?.roles ?? [];
  const tries = roles.includes('admin')
    ? ['/access onboard', '/access users', '/access audit', '/access whois kim.leaver@example.com']
    : roles.includes('approver')
      ? ['/access pending', '/access whois', '/access help']
      : ['/access request Developer dev 2h trying it out', '/access whois', '/access help'];
  const intro = roles.includes('admin')
    ? 'You are an admin: onboard a new starter, list the users, run the audit.'
    : roles.includes('approver')
      ? 'You approve requests: their cards arrive in #access-approvals.'
      : 'Ask for access; a lead (switch to Lena Lead) approves it in #access-approvals.';
  const box = element('div', 'empty');
  box.append(element('p', '', `Nothing here yet. ${intro} Try:`));
  for (const command of tries) {
    const button = element('button', 'suggestion', command);
    button.setAttribute('type', 'button');
    button.dataset.suggest = command;
    box.append(button);
  }
  return box;
}

/** @param {any} conversation */
function drawMessages(conversation) {
  const box = byId('messages');
  const messages = conversation?.messages ?? [];
  const atBottom = box.scrollTop + box.clientHeight >= box.scrollHeight - 40;
  box.innerHTML = '';
  if (messages.length === 0) box.append(firstSteps());
  for (const m of messages) {
    const div = document.createElement('article');
    div.className = `message${m.ephemeral ? ' ephemeral' : ''}`;
    div.dataset.channel = m.channel;
    div.dataset.ts = m.ts;
    div.dataset.testid = 'message';
    const head = element('div', 'message-head');
    head.append(element('b', '', authorOf(m.user)));
    if (m.botId) head.append(element('span', 'app-tag', 'APP'));
    head.append(element('time', '', timeOf(m.ts)));
    if (m.edited) head.append(element('span', 'edited', '(edited)'));
    if (m.ephemeral) head.append(element('span', 'only-you', '👁 Only visible to you'));
    const body = element('div', 'message-body');
    body.innerHTML = m.html;
    div.append(head, body);
    box.append(div);
  }
  if (atBottom || messages.length !== lastMessageCount) box.scrollTop = box.scrollHeight;
  lastMessageCount = messages.length;
}

function drawModal() {
  const layer = byId('modal-layer');
  const modal = state.modal;
  if (!modal) {
    layer.hidden = true;
    layer.innerHTML = '';
    shownModal = { id: '', hash: '' };
    return;
  }
  layer.hidden = false;
  const hash = String(modal.view.hash ?? '');
  if (modal.id !== shownModal.id || hash !== shownModal.hash) {
    layer.innerHTML = modal.html;
    shownModal = { id: modal.id, hash };
    const first = /** @type {HTMLElement | null} */ (layer.querySelector('input, textarea, select'));
    first?.focus({ preventScroll: true });
  }
  // Field errors, without losing what was typed.
  for (const old of layer.querySelectorAll('.bk-error')) old.remove();
  for (const block of layer.querySelectorAll('.bk-has-error')) block.classList.remove('bk-has-error');
  for (const [blockId, message] of Object.entries(modal.errors ?? {})) {
    const block = layer.querySelector(`[data-input-block="${CSS.escape(blockId)}"]`);
    if (!block) continue;
    const error = document.createElement('div');
    error.className = 'bk-error';
    error.setAttribute('role', 'alert');
    error.textContent = String(message);
    block.classList.add('bk-has-error');
    block.append(error);
  }
}

async function refresh() {
  if (!me) return;
  state = await call('GET', `/state?as=${encodeURIComponent(me)}`);
  const open = pane.kind === 'conversation' ? pane.id : undefined;
  if (open !== undefined && !state.conversations.some((/** @type {any} */ c) => c.id === open)) {
    pane = { kind: 'conversation', id: state.conversations[0]?.id ?? '' };
  }
  drawNav();
  drawPane();
  drawModal();
  if (pane.kind === 'mailbox') await drawMailbox();
  if (pane.kind === 'org') await drawOrg(byId('org'), { call, notice, fail });
  const mail = await call('GET', '/mailbox');
  byId('mail-count').textContent = mail.length > 0 ? String(mail.length) : '';
}

let refreshTimer = 0;
function scheduleRefresh() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => {
    refresh().catch(fail);
  }, 30);
}

// ---------- times, as Slack shows them ----------

/** @param {number} n */
const ordinal = (n) => {
  const suffixes = ['th', 'st', 'nd', 'rd'];
  const v = n % 100;
  return `${n}${suffixes[(v - 20) % 10] ?? suffixes[v] ?? 'th'}`;
};

/** Whole calendar days from `now` to `at`, in the reader's time zone. @param {Date} at @param {Date} now */
const daysFrom = (at, now) => {
  const day = (/** @type {Date} */ d) => Date.UTC(d.getFullYear(), d.getMonth(), d.getDate());
  return Math.round((day(at) - day(now)) / 86_400_000);
};

/** "3 minutes ago", "in 2 hours". @param {Date} at @param {Date} now */
function ago(at, now) {
  const seconds = Math.round((at.getTime() - now.getTime()) / 1000);
  const size = Math.abs(seconds);
  /** @type {[Intl.RelativeTimeFormatUnit, number][]} */
  const units = [
    ['year', 31_536_000],
    ['month', 2_592_000],
    ['day', 86_400],
    ['hour', 3600],
    ['minute', 60],
  ];
  const [unit, length] = units.find(([, length]) => size >= length) ?? ['second', 1];
  return new Intl.RelativeTimeFormat('en', { numeric: 'auto' }).format(Math.round(seconds / length), unit);
}

/**
 * Slack's date format (`{date_short_pretty} {time}` and the rest) for a moment, in the reader's own time zone:
 * English words, and the time as the reader's browser writes it (12 or 24 hours), as Slack follows each
 * person's settings. Unknown tokens stay as written.
 * @param {Date} at @param {string} format @param {Date} [now]
 */
function slackDateText(at, format, now = new Date()) {
  const month = (/** @type {'long' | 'short'} */ style) => at.toLocaleDateString('en-US', { month: style });
  const year = at.getFullYear();
  const day = at.getDate();
  const date = `${month('long')} ${ordinal(day)}, ${year}`;
  const dateShort = `${month('short')} ${day}, ${year}`;
  const dateLong = `${at.toLocaleDateString('en-US', { weekday: 'long' })}, ${date}`;
  const near = ['yesterday', 'today', 'tomorrow'][daysFrom(at, now) + 1];
  // A 24-hour reader sees 00:35, as Slack writes it, not 0:35; a 12-hour reader sees 12:35 AM.
  const cycle = new Intl.DateTimeFormat(undefined, { hour: 'numeric' }).resolvedOptions().hourCycle;
  const hour = cycle === 'h23' || cycle === 'h24' ? '2-digit' : 'numeric';
  /** @type {Record<string, string>} */
  const tokens = {
    date_num: `${year}-${String(at.getMonth() + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
    date,
    date_short: dateShort,
    date_long: dateLong,
    date_pretty: near ?? date,
    date_short_pretty: near ?? dateShort,
    date_long_pretty: near ?? dateLong,
    time: at.toLocaleTimeString(undefined, { hour, minute: '2-digit' }),
    time_secs: at.toLocaleTimeString(undefined, { hour, minute: '2-digit', second: '2-digit' }),
    ago: ago(at, now),
  };
  return format.replace(/\{(\w+)\}/g, (all, /** @type {string} */ name) => tokens[name] ?? all);
}

/**
 * Every date the bot sent (`<!date^…>`, drawn by the server as a `<time>` holding the UTC fallback) shown in the
 * reader's own time, as Slack shows it; the UTC fallback stays as its title. Runs on whatever is drawn.
 * @param {ParentNode} root
 */
function localDates(root) {
  for (const el of root.querySelectorAll('time.bk-when[data-format]:not([data-local])')) {
    const time = /** @type {HTMLTimeElement} */ (el);
    const at = new Date(time.dateTime);
    if (Number.isNaN(at.getTime())) continue;
    time.dataset.local = 'true';
    time.textContent = slackDateText(at, time.dataset.format ?? '');
  }
}
new MutationObserver(() => localDates(document.body)).observe(document.body, {
  childList: true,
  subtree: true,
});

// ---------- mailbox (the organisation is drawn by org.js) ----------

/** @param {string} text */
const esc = (text) => {
  const div = document.createElement('div');
  div.textContent = text;
  return div.innerHTML;
};

async function drawMailbox() {
  const emails = await call('GET', '/mailbox');
  const box = byId('mailbox');
  if (emails.length === 0) {
    box.innerHTML = '<p class="empty">No email yet. Onboarding someone sends a welcome email.</p>';
    return;
  }
  box.innerHTML = '';
  for (const email of [...emails].reverse()) {
    const article = document.createElement('article');
    article.className = 'email';
    article.dataset.testid = 'email';
    article.innerHTML =
      `<h3>${esc(email.subject)}</h3>` +
      `<dl><dt>From</dt><dd>${esc(email.from)}</dd><dt>To</dt><dd>${esc(email.to.join(', '))}</dd>` +
      (email.cc?.length ? `<dt>Cc</dt><dd>${esc(email.cc.join(', '))}</dd>` : '') +
      `<dt>Sent</dt><dd>${esc(new Date(email.sentAt).toLocaleString())}</dd></dl>` +
      `<div class="email-tabs"><button type="button" data-show="html" class="active">HTML</button><button type="button" data-show="text">Text</button></div>`;
    const frame = document.createElement('iframe');
    frame.className = 'email-html';
    // No scripts, forms, pop-ups or navigation of this page; same origin only so that the page can measure it.
    frame.setAttribute('sandbox', 'allow-same-origin');
    frame.title = `The HTML of "${email.subject}"`;
    frame.addEventListener('load', () => fitToContent(frame));
    frame.srcdoc = email.html ?? '<p>(no HTML part)</p>';
    const text = document.createElement('pre');
    text.className = 'email-text';
    text.hidden = true;
    text.textContent = email.text ?? '(no text part)';
    article.append(frame, text);
    box.append(article);
  }
}

/**
 * An email is shown whole: its frame as tall as what it holds, again whenever that changes (a narrower window,
 * an image that loaded), so nothing is cut off and there is one scroll bar, the mailbox's.
 * @param {HTMLIFrameElement} frame
 */
function fitToContent(frame) {
  const doc = frame.contentDocument;
  if (!doc?.documentElement) return;
  // The frame's height is its viewport's (content-box, console.css): set to exactly what the email takes, it
  // stays put even for an email whose page is `height: 100%`.
  const fit = () => {
    const height = `${Math.max(doc.documentElement.scrollHeight, doc.body?.scrollHeight ?? 0)}px`;
    if (frame.style.height !== height) frame.style.height = height;
  };
  fit();
  new ResizeObserver(fit).observe(doc.documentElement);
}

// ---------- acting ----------

/** @param {Element} el */
const optionOf = (el) => JSON.parse(/** @type {HTMLElement} */ (el).dataset.option ?? 'null');

/** Slack's view.state.values from the modal's inputs. @param {Element} form */
function collectValues(form) {
  /** @type {Record<string, Record<string, any>>} */
  const values = {};
  for (const block of form.querySelectorAll('[data-input-block]')) {
    const el = /** @type {HTMLElement | null} */ (block.querySelector('[data-action-id]'));
    if (!el) continue;
    const blockId = /** @type {string} */ (/** @type {HTMLElement} */ (block).dataset.inputBlock);
    const actionId = /** @type {string} */ (el.dataset.actionId);
    const type = /** @type {string} */ (el.dataset.kind);
    /** @type {Record<string, any>} */
    let value = { type };
    if (type === 'plain_text_input') {
      const text = /** @type {HTMLInputElement} */ (el).value;
      value.value = text === '' ? null : text;
    } else if (type === 'static_select') {
      const selected = /** @type {HTMLSelectElement} */ (el).selectedOptions[0];
      value.selected_option = selected && selected.value !== '' ? optionOf(selected) : null;
    } else if (type === 'multi_static_select') {
      value.selected_options = [.../** @type {HTMLSelectElement} */ (el).selectedOptions].map(optionOf);
    } else if (type === 'external_select') {
      const chip = el.querySelector('.bk-chip');
      value.selected_option = chip ? optionOf(chip) : null;
    } else if (type === 'multi_external_select') {
      value.selected_options = [...el.querySelectorAll('.bk-chip')].map(optionOf);
    } else if (type === 'users_select') {
      value.selected_user = /** @type {HTMLSelectElement} */ (el).value || null;
    } else if (type === 'multi_users_select') {
      value.selected_users = [.../** @type {HTMLSelectElement} */ (el).selectedOptions].map((o) => o.value);
    } else if (type === 'datepicker') {
      value.selected_date = /** @type {HTMLInputElement} */ (el).value || null;
    } else if (type === 'timepicker') {
      value.selected_time = /** @type {HTMLInputElement} */ (el).value || null;
    } else if (type === 'checkboxes') {
      value.selected_options = [...el.querySelectorAll('input:checked')].map(optionOf);
    } else if (type === 'radio_buttons') {
      const checked = el.querySelector('input:checked');
      value.selected_option = checked ? optionOf(checked) : null;
    }
    values[blockId] = { ...(values[blockId] ?? {}), [actionId]: value };
  }
  return values;
}

/**
 * Slack's confirm dialog, when the element has one.
 * @param {string | undefined} json the dialog's Block Kit
 * @param {string | undefined} html its text, drawn by the server
 * @returns {Promise<boolean>}
 */
function confirmFirst(json, html) {
  if (!json) return Promise.resolve(true);
  const c = JSON.parse(json);
  const layer = byId('confirm-layer');
  // The server drew the dialog's mrkdwn text (escaped, as all its HTML); the rest is escaped here.
  layer.innerHTML =
    `<div class="bk-modal confirm" role="alertdialog"><div class="bk-modal-title">${esc(c.title?.text ?? 'Are you sure?')}</div>` +
    `<div class="bk-modal-body" data-testid="confirm-text">${html ?? `<p>${esc(c.text?.text ?? '')}</p>`}</div><div class="bk-modal-footer">` +
    `<button type="button" class="bk-button" data-answer="no" data-testid="confirm-no">${esc(c.deny?.text ?? 'Cancel')}</button>` +
    `<button type="button" class="bk-button ${c.style === 'danger' ? 'bk-danger' : 'bk-primary'}" data-answer="yes" data-testid="confirm-yes">${esc(c.confirm?.text ?? 'Yes')}</button></div></div>`;
  layer.hidden = false;
  return new Promise((resolve) => {
    layer.onclick = (event) => {
      const answer = /** @type {HTMLElement} */ (event.target).closest('[data-answer]');
      if (!answer) return;
      layer.hidden = true;
      layer.innerHTML = '';
      resolve(/** @type {HTMLElement} */ (answer).dataset.answer === 'yes');
    };
  });
}

/** Where a click happened: a message, the modal, or the Home tab. @param {HTMLElement} el */
function whereOf(el) {
  const message = /** @type {HTMLElement | null} */ (el.closest('.message'));
  if (message) return { channel: message.dataset.channel, ts: message.dataset.ts };
  const modal = /** @type {HTMLElement | null} */ (el.closest('.bk-modal[data-view-id]'));
  if (modal) return { viewId: modal.dataset.viewId, values: collectValues(modal) };
  if (el.closest('#home')) return { home: true };
  return undefined;
}

/** @param {HTMLElement} el @param {Record<string, unknown>} element */
async function act(el, element) {
  const where = whereOf(el);
  if (!where) return;
  if (!(await confirmFirst(el.dataset.confirm, el.dataset.confirmHtml))) return;
  try {
    const answer = await call('POST', '/action', {
      as: me,
      ...where,
      blockId: el.dataset.blockId,
      actionId: el.dataset.actionId,
      ...element,
    });
    reportFailure(answer);
  } catch (error) {
    fail(error);
  }
}

document.addEventListener('click', (event) => {
  const target = /** @type {HTMLElement} */ (event.target);
  // An external select's suggestions close when the person clicks elsewhere.
  for (const list of document.querySelectorAll('.bk-suggestions:not([hidden])')) {
    if (!list.closest('.bk-external')?.contains(target)) /** @type {HTMLElement} */ (list).hidden = true;
  }
  const nav = /** @type {HTMLElement | null} */ (target.closest('.nav-item'));
  if (nav) {
    if (nav.dataset.conversation) pane = { kind: 'conversation', id: nav.dataset.conversation };
    else pane = { kind: /** @type {'home' | 'mailbox' | 'org'} */ (nav.dataset.pane) };
    lastMessageCount = -1;
    if (pane.kind === 'home') call('POST', '/home', { as: me }).then(reportFailure, () => undefined);
    scheduleRefresh();
    return;
  }
  const hint = /** @type {HTMLElement | null} */ (target.closest('[data-suggest]'));
  if (hint) {
    const input = /** @type {HTMLInputElement} */ (byId('command'));
    input.value = hint.dataset.suggest ?? '';
    input.focus();
    return;
  }
  const tab = /** @type {HTMLElement | null} */ (target.closest('.email-tabs button'));
  if (tab) {
    const article = /** @type {HTMLElement} */ (tab.closest('.email'));
    for (const b of article.querySelectorAll('.email-tabs button')) b.classList.toggle('active', b === tab);
    /** @type {HTMLElement} */ (article.querySelector('.email-html')).hidden = tab.dataset.show !== 'html';
    /** @type {HTMLElement} */ (article.querySelector('.email-text')).hidden = tab.dataset.show !== 'text';
    return;
  }
  const chipX = target.closest('.bk-chip-x');
  if (chipX) {
    const box = /** @type {HTMLElement | null} */ (chipX.closest('.bk-external'));
    chipX.closest('.bk-chip')?.remove();
    if (box?.closest('[data-input-block][data-dispatch="true"]')) void act(box, elementValue(box));
    return;
  }
  const suggestion = /** @type {HTMLElement | null} */ (target.closest('.bk-suggestion'));
  if (suggestion) {
    choose(suggestion);
    return;
  }
  if (target.closest('.bk-close')) {
    const modal = /** @type {HTMLElement} */ (target.closest('.bk-modal'));
    call('POST', '/close', { as: me, viewId: modal.dataset.viewId }).then(scheduleRefresh, fail);
    return;
  }
  const button = /** @type {HTMLElement | null} */ (target.closest('button[data-action-id]'));
  if (button) {
    event.preventDefault();
    void act(button, elementValue(button));
  }
});

/**
 * What an element holds now, as the console's /action takes it (Slack's block_actions action).
 * @param {HTMLElement} el the element carrying data-action-id
 * @returns {Record<string, unknown>}
 */
function elementValue(el) {
  const kind = el.dataset.kind;
  const select = /** @type {HTMLSelectElement} */ (el);
  switch (kind) {
    case 'button':
      return el.dataset.value !== undefined ? { value: el.dataset.value } : {};
    case 'users_select':
      return { selectedUser: select.value };
    case 'multi_users_select':
      return { selectedUsers: [...select.selectedOptions].map((o) => o.value) };
    case 'multi_static_select':
      return { selectedOptions: [...select.selectedOptions].map(optionOf) };
    case 'static_select':
    case 'overflow':
      return select.selectedOptions[0] ? { selectedOption: optionOf(select.selectedOptions[0]) } : {};
    case 'external_select': {
      const chip = el.querySelector('.bk-chip');
      return chip ? { selectedOption: optionOf(chip) } : {};
    }
    case 'multi_external_select':
      return { selectedOptions: [...el.querySelectorAll('.bk-chip')].map(optionOf) };
    case 'datepicker':
      return { selectedDate: /** @type {HTMLInputElement} */ (el).value };
    case 'checkboxes':
      return { selectedOptions: [...el.querySelectorAll('input:checked')].map(optionOf) };
    case 'radio_buttons': {
      const checked = el.querySelector('input:checked');
      return checked ? { selectedOption: optionOf(checked) } : {};
    }
    case 'plain_text_input':
      return { value: /** @type {HTMLInputElement} */ (el).value };
    default:
      return {};
  }
}

/**
 * Whether a change to this element is sent at once, as Slack does: everywhere but in a modal's input
 * blocks, where it waits for the submission unless the block has dispatch_action.
 * @param {HTMLElement} el
 */
function actsAtOnce(el) {
  const input = /** @type {HTMLElement | null} */ (el.closest('[data-input-block]'));
  return input === null || input.dataset.dispatch === 'true';
}

document.addEventListener('change', (event) => {
  const target = /** @type {HTMLElement} */ (event.target);
  const el = /** @type {HTMLElement | null} */ (target.closest('[data-action-id]'));
  if (!el || el.dataset.kind === 'plain_text_input' || !actsAtOnce(el)) return;
  void act(el, elementValue(el));
});

// A text input with dispatch_action sends its value when Enter is pressed (Slack's on_enter_pressed).
document.addEventListener('keydown', (event) => {
  const el = /** @type {HTMLElement} */ (event.target);
  if (event.key === 'Escape') {
    // Escape answers a confirm dialog with its deny button, and closes an external select's suggestions.
    /** @type {HTMLElement | null} */ (byId('confirm-layer').querySelector('[data-answer="no"]'))?.click();
    for (const list of document.querySelectorAll('.bk-suggestions'))
      /** @type {HTMLElement} */ (list).hidden = true;
    return;
  }
  if (event.key !== 'Enter' || el.dataset.kind !== 'plain_text_input' || el.tagName !== 'INPUT') return;
  if (!el.closest('[data-input-block][data-dispatch="true"]')) return;
  event.preventDefault();
  void act(el, elementValue(el));
});

// External selects: ask the bot for options as the person types (debounced), once at least min_query_length
// characters are typed (Slack's default 3; the bot's selects ask for 0, so they offer options on focus).
/** @type {Map<Element, number>} */
const typing = new Map();
/** @param {HTMLElement} box @param {number} delay */
function suggestSoon(box, delay) {
  clearTimeout(typing.get(box));
  const input = /** @type {HTMLInputElement} */ (box.querySelector('.bk-external-input'));
  const list = /** @type {HTMLElement} */ (box.querySelector('.bk-suggestions'));
  if (input.value.length < Number(box.dataset.minQuery ?? '3')) {
    list.hidden = true;
    return;
  }
  typing.set(
    box,
    setTimeout(() => void suggest(box, input.value), delay),
  );
}
document.addEventListener('input', (event) => {
  const input = /** @type {HTMLElement} */ (event.target);
  if (input.classList.contains('bk-external-input'))
    suggestSoon(/** @type {HTMLElement} */ (input.closest('.bk-external')), 200);
});
document.addEventListener('focusin', (event) => {
  const input = /** @type {HTMLElement} */ (event.target);
  if (input.classList.contains('bk-external-input'))
    suggestSoon(/** @type {HTMLElement} */ (input.closest('.bk-external')), 0);
});

/** @param {HTMLElement} box @param {string} value */
async function suggest(box, value) {
  const modal = /** @type {HTMLElement | null} */ (box.closest('.bk-modal'));
  if (!modal || !box.isConnected) return;
  const list = /** @type {HTMLElement} */ (box.querySelector('.bk-suggestions'));
  const input = /** @type {HTMLInputElement} */ (box.querySelector('.bk-external-input'));
  try {
    const answer = await call('POST', '/options', {
      as: me,
      viewId: modal.dataset.viewId,
      blockId: box.dataset.blockId,
      actionId: box.dataset.actionId,
      value,
    });
    // An answer to an older query, or for a modal that has gone, is not shown.
    if (!box.isConnected || input.value !== value) return;
    reportFailure(answer);
    const groups = answer.option_groups ?? [{ options: answer.options ?? [] }];
    list.innerHTML = '';
    for (const group of groups) {
      if (group.label) {
        const label = document.createElement('div');
        label.className = 'bk-suggestion-group';
        label.textContent = group.label.text;
        list.append(label);
      }
      for (const option of group.options ?? []) {
        const item = document.createElement('button');
        item.type = 'button';
        item.className = 'bk-suggestion';
        item.dataset.option = JSON.stringify(option);
        item.textContent = option.text?.text ?? option.value;
        list.append(item);
      }
    }
    if (list.childElementCount === 0) list.innerHTML = '<div class="bk-suggestion-none">No matches</div>';
    list.hidden = false;
  } catch (error) {
    if (box.isConnected) fail(error);
  }
}

/** @param {HTMLElement} suggestion */
function choose(suggestion) {
  const box = /** @type {HTMLElement} */ (suggestion.closest('.bk-external'));
  clearTimeout(typing.get(box));
  const option = JSON.parse(suggestion.dataset.option ?? 'null');
  const chips = /** @type {HTMLElement} */ (box.querySelector('.bk-chips'));
  if (box.dataset.multi !== 'true') chips.innerHTML = '';
  if (![...chips.querySelectorAll('.bk-chip')].some((c) => optionOf(c)?.value === option.value)) {
    const chip = document.createElement('span');
    chip.className = 'bk-chip';
    chip.dataset.option = JSON.stringify(option);
    chip.textContent = option.text?.text ?? option.value;
    const x = document.createElement('button');
    x.type = 'button';
    x.className = 'bk-chip-x';
    x.setAttribute('aria-label', 'Remove');
    x.textContent = '×';
    chip.append(x);
    chips.append(chip);
  }
  const input = /** @type {HTMLInputElement} */ (box.querySelector('.bk-external-input'));
  input.value = '';
  /** @type {HTMLElement} */ (box.querySelector('.bk-suggestions')).hidden = true;
  if (box.closest('[data-input-block][data-dispatch="true"]')) void act(box, elementValue(box));
}

document.addEventListener('submit', (event) => {
  const form = /** @type {HTMLElement} */ (event.target);
  event.preventDefault();
  if (form.id === 'composer') {
    void sendCommand();
    return;
  }
  if (form.classList.contains('bk-modal')) {
    for (const timer of typing.values()) clearTimeout(timer);
    typing.clear();
    const submit = /** @type {HTMLButtonElement | null} */ (form.querySelector('.bk-submit'));
    if (submit) submit.disabled = true;
    call('POST', '/submit', { as: me, viewId: form.dataset.viewId, values: collectValues(form) })
      .then(reportFailure, fail)
      .finally(() => {
        if (submit) submit.disabled = false;
        scheduleRefresh();
      });
  }
});

// ---------- @mentions in the message box ----------

/**
 * The mention being typed just before the caret (an at sign, then a name that may hold a space, as in "Kim Le"):
 * where it starts and what follows the at sign. Undefined when the caret is not in one.
 * @param {HTMLInputElement} input
 */
function typedMention(input) {
  const caret = input.selectionStart ?? input.value.length;
  const match = /(?:^|\s)@([^@\s]*(?: [^@\s]*)?)$/.exec(input.value.slice(0, caret));
  if (!match) return undefined;
  const query = match[1] ?? '';
  return { start: caret - query.length - 1, end: caret, query };
}

/** People whose real name, one of its words, or handle starts with what was typed. @param {string} query */
function peopleFor(query) {
  const q = query.toLowerCase();
  return people
    .filter(
      (p) =>
        p.realName.toLowerCase().startsWith(q) ||
        p.name.toLowerCase().startsWith(q) ||
        p.realName
          .toLowerCase()
          .split(' ')
          .some((part) => part.startsWith(q)),
    )
    .slice(0, 8);
}

function closeMentions() {
  const list = byId('mention-list');
  list.hidden = true;
  list.innerHTML = '';
  const input = byId('command');
  input.setAttribute('aria-expanded', 'false');
  input.removeAttribute('aria-activedescendant');
}

/** Offers the people matching the mention being typed, as Slack's composer does. */
function offerMentions() {
  const input = /** @type {HTMLInputElement} */ (byId('command'));
  const typed = typedMention(input);
  const found = typed ? peopleFor(typed.query) : [];
  // A name typed in full needs no list: Enter sends it.
  const whole = found.length === 1 && typed?.query.toLowerCase() === found[0]?.realName.toLowerCase();
  if (!typed || found.length === 0 || whole) {
    closeMentions();
    return;
  }
  const list = byId('mention-list');
  list.innerHTML = '';
  found.forEach((p, i) => {
    const item = element('li', 'mention-option');
    item.id = `mention-${i}`;
    item.setAttribute('role', 'option');
    item.setAttribute('aria-selected', 'false');
    item.dataset.name = p.realName;
    item.append(element('b', '', p.realName), element('span', 'mention-handle', ` @${p.name}`));
    list.append(item);
  });
  list.hidden = false;
  input.setAttribute('aria-expanded', 'true');
  input.removeAttribute('aria-activedescendant');
}

/** Moves the highlighted person in the list by `step`. @param {number} step */
function highlightMention(step) {
  const options = [...byId('mention-list').querySelectorAll('[role="option"]')];
  const input = byId('command');
  const now = options.findIndex((o) => o.getAttribute('aria-selected') === 'true');
  const next =
    now === -1 ? (step > 0 ? 0 : options.length - 1) : (now + step + options.length) % options.length;
  options.forEach((o, i) => o.setAttribute('aria-selected', String(i === next)));
  const chosen = options[next];
  if (chosen) input.setAttribute('aria-activedescendant', chosen.id);
}

/** Puts the person's real name, after an at sign, in place of the mention being typed. @param {string} realName */
function chooseMention(realName) {
  const input = /** @type {HTMLInputElement} */ (byId('command'));
  const typed = typedMention(input);
  if (!typed) return;
  const inserted = `@${realName} `;
  input.value = input.value.slice(0, typed.start) + inserted + input.value.slice(typed.end);
  const caret = typed.start + inserted.length;
  input.setSelectionRange(caret, caret);
  closeMentions();
  input.focus();
}

byId('command').addEventListener('input', offerMentions);
// Closed a moment after the box loses focus (a click on a person lands first), unless focus came back by then.
byId('command').addEventListener('blur', () =>
  setTimeout(() => {
    if (document.activeElement !== byId('command')) closeMentions();
  }, 150),
);
byId('command').addEventListener('keydown', (event) => {
  const list = byId('mention-list');
  if (list.hidden) return;
  const active = /** @type {HTMLElement | null} */ (list.querySelector('[aria-selected="true"]'));
  if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
    event.preventDefault();
    highlightMention(event.key === 'ArrowDown' ? 1 : -1);
  } else if (event.key === 'Escape') {
    event.preventDefault();
    closeMentions();
  } else if (event.key === 'Tab' || (event.key === 'Enter' && active)) {
    // Enter takes a person only once one is highlighted: typed in full, the command is sent as it is.
    const chosen = active ?? /** @type {HTMLElement | null} */ (list.querySelector('[role="option"]'));
    if (!chosen) return;
    event.preventDefault();
    chooseMention(chosen.dataset.name ?? '');
  }
});
byId('mention-list').addEventListener('mousedown', (event) => {
  const option = /** @type {HTMLElement | null} */ (
    /** @type {HTMLElement} */ (event.target).closest('[role="option"]')
  );
  if (!option) return;
  event.preventDefault();
  chooseMention(option.dataset.name ?? '');
});

/** A command on its way: Enter again does not send it twice. */
let sending = false;

/**
 * A command sent while the console was away: sent again as soon as it is back (lostConnection), by the person
 * who typed it to the conversation it was typed in, if the box still holds it as typed (an edit means the person
 * will send it themselves).
 * @type {{ as: string, channel: string, typed: string } | undefined}
 */
let queued;

/**
 * Sends what is typed. The text leaves the box only once the console took it: refused (a mention of nobody)
 * or not sent (the console is away), it stays, to be fixed or sent again.
 */
async function sendCommand() {
  const input = /** @type {HTMLInputElement} */ (byId('command'));
  const text = input.value.trim();
  if (text === '' || sending) return;
  if (!/^\/access(\s|$)/.test(text)) {
    notice('This workspace has one command: /access. Try /access help.', 'error');
    return;
  }
  const channel =
    pane.kind === 'conversation'
      ? pane.id
      : state?.conversations.find((/** @type {any} */ c) => c.kind === 'im')?.id;
  if (pane.kind !== 'conversation') pane = { kind: 'conversation', id: channel };
  await postCommand({ as: me, channel, typed: input.value });
}

/** @param {{ as: string, channel: string, typed: string }} command */
async function postCommand(command) {
  const input = /** @type {HTMLInputElement} */ (byId('command'));
  // The API takes what follows /access, as Slack sends a slash command's text.
  const args = command.typed.trim().replace(/^\/access\s*/, '');
  sending = true;
  try {
    const answer = await call('POST', '/command', { as: command.as, channel: command.channel, text: args });
    queued = undefined;
    if (input.value === command.typed) input.value = '';
    closeMentions();
    reportFailure(answer);
  } catch (error) {
    if (error instanceof ConnectionLost) {
      queued = command;
      showConnection('reconnecting');
    }
    fail(error);
  } finally {
    sending = false;
  }
  scheduleRefresh();
}

/** Once the console is back: the command typed while it was away goes, unless the box changed since. */
function sendQueued() {
  const command = queued;
  queued = undefined;
  const input = /** @type {HTMLInputElement} */ (byId('command'));
  if (command && input.value === command.typed) void postCommand(command);
}

byId('who').addEventListener('change', (event) => {
  me = /** @type {HTMLSelectElement} */ (event.target).value;
  localStorage.setItem('access-desk.who', me);
  shownModal = { id: '', hash: '' };
  lastMessageCount = -1;
  showRole();
  if (pane.kind === 'home') call('POST', '/home', { as: me }).then(reportFailure, () => undefined);
  scheduleRefresh();
});

/**
 * Asks in the page before starting over: a modal <dialog> (focus inside it, Cancel first; Escape cancels), then
 * focus back on the Reset button. Resolves whether the person chose to start over.
 * @returns {Promise<boolean>}
 */
function confirmReset() {
  const dialog = /** @type {HTMLDialogElement} */ (byId('reset-dialog'));
  const opener = /** @type {HTMLElement | null} */ (document.activeElement);
  dialog.returnValue = '';
  dialog.showModal();
  /** @type {HTMLElement} */ (dialog.querySelector('[data-answer="no"]')).focus();
  return new Promise((resolve) => {
    dialog.addEventListener(
      'close',
      () => {
        opener?.focus();
        resolve(dialog.returnValue === 'yes');
      },
      { once: true },
    );
  });
}

byId('reset-dialog').addEventListener('click', (event) => {
  const dialog = /** @type {HTMLDialogElement} */ (byId('reset-dialog'));
  const answer = /** @type {HTMLElement} */ (event.target).closest('[data-answer]');
  // A click on the backdrop (the dialog itself, outside its box) cancels, as Escape does.
  if (answer) dialog.close(/** @type {HTMLElement} */ (answer).dataset.answer);
  else if (event.target === dialog) dialog.close('');
});

byId('reset').addEventListener('click', async () => {
  if (!(await confirmReset())) return;
  try {
    await call('POST', '/reset', {});
    notice('The sandbox starts over.');
  } catch (error) {
    fail(error);
  }
  scheduleRefresh();
});

/**
 * Redraws on every change the console announces. When the stream breaks, the console is away: the page says
 * so and asks until it is back (lostConnection), then listens anew.
 */
function listen() {
  events?.close();
  events = new EventSource(`${api}/events`);
  events.onmessage = () => scheduleRefresh();
  events.onerror = () => {
    events?.close();
    lostConnection();
  };
}

await loadPeople();
await refresh();
listen();

export {};
