/**
 * The sandbox in a real browser: Debian's Chromium driven by playwright-core plays the whole story in the local
 * Slack console, as a person trying access-desk would, and saves a screenshot of each step in
 * test-results/console/ (emptied first, so the folder holds this run's steps only). Chromium may resolve nothing
 * but loopback (host resolver rules), like the tests; playwright runs it headless with a fresh empty profile.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/sandbox.js';
import { launchChromium, WAIT } from '../support/console-page.js';

const SHOTS = 'test-results/console';

let sandbox: RunningSandbox;
let browser: Browser;
let page: Page;
let step = 0;
/** Script errors on the page and dialogs nobody expected (an `alert` would be a script injected by text). */
const pageErrors: string[] = [];

beforeAll(async () => {
  rmSync(SHOTS, { recursive: true, force: true });
  mkdirSync(SHOTS, { recursive: true });
  sandbox = await startSandbox({
    port: 0,
    emulatorPort: 0,
    databasePath: ':memory:',
    latencyMs: 5,
    provisioningDelayMs: 50,
  });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  page.on('pageerror', (error) => pageErrors.push(`page error: ${error.message}`));
  page.on('dialog', (dialog) => {
    pageErrors.push(`unexpected ${dialog.type()} dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  await page.goto(sandbox.url);
}, 60_000);

afterEach(async () => {
  // Nothing went wrong on the way: no script error, no alert, no error notice from the console.
  const notice = page.locator('[data-testid="notice"].error:not([hidden])');
  if ((await notice.count()) > 0) pageErrors.push(`error notice: ${await notice.textContent()}`);
  expect(pageErrors.splice(0)).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await sandbox?.stop();
});

async function shot(name: string): Promise<void> {
  step += 1;
  await page.screenshot({ path: join(SHOTS, `${String(step).padStart(2, '0')}-${name}.png`) });
}

async function beAs(userId: string): Promise<void> {
  await page.getByTestId('who').selectOption(userId);
}

async function open(conversationId: string): Promise<void> {
  await page.getByTestId(`conversation-${conversationId}`).click();
}

async function type(command: string): Promise<void> {
  await page.getByTestId('command').fill(command);
  await page.getByTestId('command').press('Enter');
}

function message(text: string): Locator {
  return page.getByTestId('message').filter({ hasText: text }).last();
}

/** The approval card about `text` in #access-approvals, while it still has its Approve button. */
async function openCardAbout(text: string): Promise<Locator> {
  await beAs('U0000LEAD1');
  await open('C0000APPROV');
  const card = page
    .getByTestId('message')
    .filter({ hasText: text })
    .filter({ has: page.locator('button[data-action-id="approve_request"]') });
  await card.last().waitFor(WAIT);
  return card;
}

async function approveCardAbout(text: string): Promise<void> {
  const card = await openCardAbout(text);
  await shot(`card-${text.replace(/\W+/g, '-')}`);
  await card.last().locator('button[data-action-id="approve_request"]').click();
  // No second look for non-production access.
  expect(await page.getByTestId('confirm').isHidden()).toBe(true);
  // The card is updated in place: its Approve button goes.
  await expect
    .poll(() => card.count(), { timeout: WAIT.timeout, message: 'the card loses its Approve button' })
    .toBe(0);
}

/** Picks the suggestion starting with `choice` after typing `query` into an external select of the modal. */
async function pickExternal(modal: Locator, actionId: string, query: string, choice: RegExp): Promise<void> {
  const select = modal.locator(`.bk-external[data-action-id="${actionId}"]`);
  await select.locator('input').fill(query);
  await select.locator('.bk-suggestion', { hasText: choice }).first().click();
  await select.locator('.bk-chip', { hasText: choice }).waitFor(WAIT);
}

describe('the local Slack console in a browser', () => {
  it('shows the example people with their part, and the channels', async () => {
    await page.getByTestId('who').waitFor(WAIT);
    const options = await page.getByTestId('who').locator('option').allTextContents();
    expect(options).toContain('Lena Lead — lead');
    expect(options).toContain('Ada Admin — admin');
    await expect
      .poll(() => page.getByTestId('conversation-C0000APPROV').textContent())
      .toContain('access-approvals');
    await shot('start');
  });

  it('plays a request: the command, the lead approves on the card, the direct message and whois show the grant', async () => {
    await beAs('U0000JAY01');
    await open('C0000GENERAL');
    await type('/access request Developer dev 2h browser story');
    const sent = page.locator('.message.ephemeral').filter({ hasText: 'for approval' }).last();
    await sent.waitFor(WAIT);
    expect(await sent.textContent()).toContain('#access-approvals');
    await shot('jay-requests');

    await approveCardAbout('browser story');
    await shot('lena-approved');

    await beAs('U0000JAY01');
    await open('D0000JAY01');
    await message('You now have').waitFor(WAIT);
    expect(await message('You now have').textContent()).toContain('Developer');
    await shot('jay-dm-granted');

    await type('/access whois');
    const whois = page.locator('.message.ephemeral').filter({ hasText: 'Developer' }).last();
    await whois.waitFor(WAIT);
    expect(await whois.textContent()).toContain('Only visible to you');
    await shot('jay-whois');

    await page.getByTestId('nav-home').click();
    const home = page.getByTestId('home');
    await home.locator('.bk-home').filter({ hasText: 'Developer' }).waitFor(WAIT);
    await shot('jay-home');
  });

  it('onboards a new starter through the modal; after the lead approves, the welcome email is in the mailbox', async () => {
    await beAs('U0000ADMIN');
    // The organisation as it is before: marked seen, so that what onboarding adds stands out.
    await page.getByTestId('nav-org').click();
    await page.getByTestId('org-seen').click();
    await open('C0000GENERAL');
    await type('/access onboard');
    const modal = page.getByTestId('modal');
    await modal.locator('.bk-modal').waitFor(WAIT);
    await modal.locator('[data-action-id="type_email"]').fill('nina.new@example.com');
    await modal.locator('[data-action-id="type_given_name"]').fill('Nina');
    await modal.locator('[data-action-id="type_family_name"]').fill('New');
    const role = modal.locator('[data-action-id="pick_role"]');
    if ((await role.getAttribute('data-kind')) === 'external_select') {
      await role.locator('input').fill('developer');
      await role
        .locator('.bk-suggestion', { hasText: /^developer/i })
        .first()
        .click();
    } else {
      await role.selectOption('developer');
    }
    // The developer role's group carries ReadOnlyAccess on prod, which the rules give only with a reason.
    await modal.locator('[data-action-id="type_note"]').fill('joins the payments team');
    await shot('ada-onboarding-modal');
    await modal.locator('.bk-submit').click();
    await modal.waitFor({ state: 'hidden', ...WAIT });

    await approveCardAbout('nina.new@example.com');

    await page.getByTestId('nav-mailbox').click();
    const email = page.getByTestId('email').filter({ hasText: 'Your AWS access at Example Ltd' });
    await email.first().waitFor(WAIT);
    expect(await email.first().textContent()).toContain('nina.new@example.com');
    await shot('mailbox-welcome');

    await page.getByTestId('nav-org').click();
    await page.getByTestId('org-users').filter({ hasText: 'nina.new@example.com' }).waitFor(WAIT);
    // What onboarding made is marked new: Nina, and her Developer assignments from the role.
    const added = page.locator('#org tr.added');
    await added.filter({ hasText: 'nina.new@example.com' }).first().waitFor(WAIT);
    expect(await added.filter({ hasText: 'Developer' }).count()).toBeGreaterThanOrEqual(2);
    await shot('organisation');

    // Beside a person's assignment, a session can be opened in the account: the Sessions table shows it open.
    await page
      .locator('#org tr', { hasText: 'sam.dev@example.com' })
      .filter({ hasText: 'Developer' })
      .getByTestId('open-session')
      .first()
      .click();
    const session = page.getByTestId('org-sessions').locator('tr', { hasText: 'sam.dev@example.com' });
    await session.waitFor(WAIT);
    expect(await session.locator('.session-state').textContent()).toBe('open');
    await shot('organisation-session');
  });

  it('shows a field error in the modal where the bot returns it, and keeps what was typed', async () => {
    await beAs('U0000ADMIN');
    await open('C0000GENERAL');
    await type('/access onboard');
    const modal = page.getByTestId('modal');
    await modal.locator('.bk-modal').waitFor(WAIT);
    await modal.locator('[data-action-id="type_email"]').fill('not an email');
    await modal.locator('[data-action-id="type_given_name"]').fill('Otto');
    await modal.locator('.bk-submit').click();
    await modal.locator('[data-input-block="email"] .bk-error').waitFor(WAIT);
    expect(await modal.locator('[data-action-id="type_given_name"]').inputValue()).toBe('Otto');
    await shot('modal-field-error');
    await modal.locator('.bk-close').click();
    await modal.waitFor({ state: 'hidden', ...WAIT });
  });

  it('asks for a second look before production access: the dialog reads as Slack draws it, and Not yet changes nothing', async () => {
    await beAs('U0000SAM01');
    await open('C0000GENERAL');
    await type('/access request SeniorDeveloper prod 1h checking the prod deploy');
    await page
      .locator('.message.ephemeral')
      .filter({ hasText: 'SeniorDeveloper on prod' })
      .last()
      .waitFor(WAIT);

    const card = await openCardAbout('checking the prod deploy');
    await card.last().locator('button[data-action-id="approve_request"]').click();
    const dialog = page.getByTestId('confirm');
    await dialog.waitFor(WAIT);
    // The dialog's mrkdwn is drawn: a mention by name and bold words, not <@U…> and asterisks.
    await expect
      .poll(() => page.getByTestId('confirm-text').textContent())
      .toContain('@Sam Developer gets SeniorDeveloper on production (prod)');
    expect(await page.getByTestId('confirm-text').locator('b').allTextContents()).toEqual([
      'SeniorDeveloper',
      '1h',
    ]);
    await shot('lena-prod-confirm');
    await page.getByTestId('confirm-no').click();
    await dialog.waitFor({ state: 'hidden', ...WAIT });
    expect(await card.count()).toBe(1);

    await card.last().locator('button[data-action-id="approve_request"]').click();
    await page.getByTestId('confirm-yes').click();
    await expect.poll(() => card.count(), WAIT).toBe(0);

    await beAs('U0000SAM01');
    await open('D0000SAM01');
    await message('You now have').filter({ hasText: 'SeniorDeveloper' }).waitFor(WAIT);
    await type('/access whois');
    await page
      .locator('.message.ephemeral')
      .filter({ hasText: 'SeniorDeveloper: access-desk grant' })
      .last()
      .waitFor(WAIT);
    await shot('sam-prod-granted');
  });

  it('asks through the request modal: searches as you type, and a reason typed with markup shows as text', async () => {
    const reason = '<img src=x onerror="window.injected=1"> <script>window.injected=2</script> & "quotes"';
    await beAs('U0000JAY01');
    await open('C0000GENERAL');
    await type('/access request');
    const modal = page.getByTestId('modal');
    await modal.locator('.bk-modal').waitFor(WAIT);
    await pickExternal(modal, 'pick_permission_set', 'Devel', /^Developer/);
    await pickExternal(modal, 'pick_accounts', 'stag', /^staging/);
    await modal.locator('[data-action-id="type_reason"]').fill(reason);
    await shot('jay-request-modal');
    await modal.locator('.bk-submit').click();
    await modal.waitFor({ state: 'hidden', ...WAIT });

    const card = await openCardAbout('window.injected');
    await shot('card-with-markup-reason');
    expect(await card.last().textContent()).toContain(reason);
    expect(await card.last().locator('img, script').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as { injected?: number }).injected)).toBeUndefined();
  });

  it('starts over with Reset: no messages, no email, the organisation as seeded', async () => {
    await page.getByTestId('reset').click();
    await page.getByTestId('reset-confirm').click();
    await beAs('U0000LEAD1');
    await open('C0000APPROV');
    await expect.poll(() => page.getByTestId('message').count(), WAIT).toBe(0);
    await page.getByTestId('nav-mailbox').click();
    await page.getByTestId('mailbox').getByText('No email yet').waitFor(WAIT);
    await page.getByTestId('nav-org').click();
    await page.getByTestId('org-users').waitFor(WAIT);
    expect(await page.getByTestId('org-users').textContent()).not.toContain('nina.new@example.com');
    await shot('after-reset');
  });
});
