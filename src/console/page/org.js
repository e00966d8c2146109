// @ts-check
/**
 * The sandbox console's Organisation (AWS) pane, drawn from GET /console/api/org (the emulator's state): what
 * access-desk changed since you last marked it seen, the sessions people have open in the accounts and whether
 * access-desk has ended them, and a button beside each user's assignment that opens one, as the AWS access
 * portal would. Apart from console.js, which holds the page's transport and the Slack views.
 */

/**
 * @typedef {(method: string, path: string, body?: unknown) => Promise<any>} Call
 * @typedef {(message: string, kind?: 'info' | 'error') => void} Notice
 */

/** @param {string} text */
const esc = (text) => {
  const div = document.createElement('div');
  div.textContent = text;
  return div.innerHTML;
};

/** @param {string} iso */
const when = (iso) => new Date(iso).toLocaleString();

/**
 * What the organisation looked like when you last marked it seen (first: when the page opened it), so that
 * the view can show what access-desk changed since: new assignments and users highlighted, removed ones listed.
 * @type {{ assignments: Map<string, any>, users: Set<string> } | undefined}
 */
let orgBaseline;

/** @param {any} a */
const assignmentKey = (a) => `${a.accountId}|${a.permissionSet}|${a.principalType}|${a.principal}`;

/** @param {any} org */
function markOrgSeen(org) {
  orgBaseline = {
    assignments: new Map(org.assignments.map((/** @type {any} */ a) => [assignmentKey(a), a])),
    users: new Set(org.users.map((/** @type {any} */ u) => u.UserName)),
  };
}

/**
 * Table rows: cells are text (escaped); `action` is the page's own HTML for a last cell.
 * @param {{ cells: string[], added?: boolean, action?: string }[]} data
 */
const rows = (data) =>
  data
    .map(
      (r) =>
        `<tr${r.added ? ' class="added" title="New since you marked this seen"' : ''}>${r.cells.map((cell) => `<td>${esc(cell)}</td>`).join('')}${r.action === undefined ? '' : `<td class="org-action">${r.action}</td>`}</tr>`,
    )
    .join('');

/** The button that opens a session with a user's assignment; a group's has none. @param {any} a */
const openSessionButton = (a) =>
  a.principalType === 'USER'
    ? `<button type="button" class="bk-button org-open-session" data-open-session data-user-id="${esc(a.principalId)}" data-permission-set="${esc(a.permissionSet)}" data-account-id="${esc(a.accountId)}" data-testid="open-session">Open a session</button>`
    : '';

/** @param {any} org @param {{ assignments: Map<string, any> }} baseline */
function assignmentsHtml(org, baseline) {
  const byAccount = new Map();
  for (const a of org.assignments) {
    const list = byAccount.get(a.account) ?? [];
    list.push(a);
    byAccount.set(a.account, list);
  }
  return [...byAccount.entries()]
    .map(
      ([account, list]) =>
        `<h3>${esc(account)} <small>${esc(list[0].accountId)}</small></h3><table><thead><tr><th>Permission set</th><th>Who</th><th>Type</th><th></th></tr></thead><tbody>${rows(
          list.map((/** @type {any} */ a) => ({
            cells: [a.permissionSet, a.principal, a.principalType === 'GROUP' ? 'group' : 'user'],
            added: !baseline.assignments.has(assignmentKey(a)),
            action: openSessionButton(a),
          })),
        )}</tbody></table>`,
    )
    .join('');
}

/** A session's state as a person reads it. @param {any} s */
function sessionState(s) {
  if (s.reason === 'denied') {
    return { text: `ended by access-desk at ${s.deniedSince ? when(s.deniedSince) : '?'}`, kind: 'ended' };
  }
  if (s.reason === 'expired') return { text: 'expired', kind: 'expired' };
  return { text: 'open', kind: 'open' };
}

/** @param {any[]} sessions */
function sessionsHtml(sessions) {
  if (sessions.length === 0) {
    return '<p class="empty" data-testid="org-sessions-empty">No sessions yet: open one beside a person’s assignment, then see whether access-desk ends it when their access ends.</p>';
  }
  const body = sessions
    .map((s) => {
      const state = sessionState(s);
      return (
        `<tr class="session-${state.kind}" data-session-id="${esc(s.sessionId)}">` +
        [s.userName, s.permissionSet, s.account, when(s.issuedAt)].map((c) => `<td>${esc(c)}</td>`).join('') +
        `<td class="session-state" title="${esc(s.deniedBy ? `Deny ${s.deniedBy}` : `until ${when(s.expiresAt)}`)}">${esc(state.text)}</td></tr>`
      );
    })
    .join('');
  return `<table data-testid="org-sessions"><thead><tr><th>Person</th><th>Permission set</th><th>Account</th><th>Issued</th><th>State</th></tr></thead><tbody>${body}</tbody></table>`;
}

/** @param {any} org @param {{ users: Set<string> }} baseline */
function peopleHtml(org, baseline) {
  const users = org.users.map((/** @type {any} */ u) => ({
    cells: [u.DisplayName ?? u.UserName, u.UserName, u.Title ?? '', (u.groups ?? []).join(', ')],
    added: !baseline.users.has(u.UserName),
  }));
  const groups = org.groups.map((/** @type {any} */ g) => ({
    cells: [g.DisplayName, (g.members ?? []).join(', ')],
  }));
  return (
    `<h2>Users</h2><table data-testid="org-users"><thead><tr><th>Name</th><th>User name</th><th>Title</th><th>Groups</th></tr></thead><tbody>${rows(users)}</tbody></table>` +
    `<h2>Groups</h2><table><thead><tr><th>Group</th><th>Members</th></tr></thead><tbody>${rows(groups)}</tbody></table>` +
    (org.legacyIamUsers?.length
      ? `<h2>Legacy IAM users</h2><table><tbody>${rows(
          org.legacyIamUsers.map((/** @type {any} */ u) => ({ cells: [u.UserName ?? '', u.Arn ?? ''] })),
        )}</tbody></table>`
      : '')
  );
}

/**
 * Draws the pane into `box`.
 * @param {HTMLElement} box
 * @param {{ call: Call, notice: Notice, fail: (error: unknown) => void }} io
 */
export async function drawOrg(box, io) {
  const org = await io.call('GET', '/org');
  if (orgBaseline === undefined) markOrgSeen(org);
  const baseline = /** @type {NonNullable<typeof orgBaseline>} */ (orgBaseline);
  const now = new Set(org.assignments.map(assignmentKey));
  const removed = [...baseline.assignments.entries()].filter(([key]) => !now.has(key)).map(([, a]) => a);
  const removedHtml =
    removed.length === 0
      ? ''
      : `<h3>Removed since you marked this seen</h3><table data-testid="org-removed"><tbody>${rows(
          removed.map((a) => ({ cells: [`${a.permissionSet} on ${a.account}`, a.principal] })),
        )}</tbody></table>`;
  const inProgress = Array.isArray(org.operationsInProgress) ? org.operationsInProgress.length : 0;
  const added = org.assignments.filter(
    (/** @type {any} */ a) => !baseline.assignments.has(assignmentKey(a)),
  ).length;
  const sessions = Array.isArray(org.sessions) ? org.sessions : [];
  box.innerHTML =
    `<p class="org-summary">${org.users.length} users · ${org.groups.length} groups · ${org.assignments.length} assignments` +
    (inProgress > 0 ? ` · <b>${inProgress} assignment change(s) in progress</b>` : '') +
    ` · <span class="added-key">${added} new</span>, ${removed.length} removed since you marked this seen` +
    ` <button type="button" class="bk-button" data-org-seen data-testid="org-seen">Mark as seen</button></p>` +
    // Sessions first: the assignments run long, and a session is what changes while you watch.
    `<h2>Sessions</h2>${sessionsHtml(sessions)}` +
    `<h2>Assignments</h2>${removedHtml}${assignmentsHtml(org, baseline)}` +
    peopleHtml(org, baseline);
  /** @type {HTMLElement} */ (box.querySelector('[data-org-seen]')).onclick = () => {
    markOrgSeen(org);
    void drawOrg(box, io);
  };
  for (const button of box.querySelectorAll('[data-open-session]')) {
    /** @type {HTMLButtonElement} */ (button).onclick = () =>
      void openSession(/** @type {HTMLButtonElement} */ (button), box, io);
  }
}

/**
 * Opens a session with the button's assignment through the console (which asks the emulator), then redraws.
 * @param {HTMLButtonElement} button @param {HTMLElement} box @param {{ call: Call, notice: Notice, fail: (error: unknown) => void }} io
 */
async function openSession(button, box, io) {
  button.disabled = true;
  const { userId, permissionSet, accountId } = button.dataset;
  try {
    const { session } = await io.call('POST', '/sessions', {
      userId,
      permissionSetName: permissionSet,
      accountId,
    });
    io.notice(`${session.userName} opened a session with ${session.permissionSet} on ${session.account}.`);
    await drawOrg(box, io);
  } catch (error) {
    // A lost console is shown by the page's connection status, not as an error here.
    io.fail(error);
    button.disabled = false;
  }
}
