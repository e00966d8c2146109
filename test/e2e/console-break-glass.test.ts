/**
 * Break-glass in the sandbox, in a real browser (test/support/console-page.ts), with the example organisation and
 * `access-desk.example.yml` as `npm start` runs them: Omar, on call (the `oncall` group of rules[13]), takes
 * AdministratorAccess on prod at once; its red card (🚨, a red bar down its left, End access now in danger
 * style) shows in #access-approvals and #access-security, the leads are told directly, #access-audit has its line, and a lead
 * marks it reviewed on the card. Screenshots in test-results/console-break-glass/.
 */
import type { Browser, Locator } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/sandbox.js';
import {
  CHANNELS,
  launchChromium,
  openConsole,
  PEOPLE,
  WAIT,
  type ConsolePage,
} from '../support/console-page.js';

const OMAR = 'U0000OMAR1';
const SECURITY = 'C0000SECURE';
const BREAK_GLASS = '/access breakglass AdministratorAccess prod 1h INC-4711 payments are down';

let sandbox: RunningSandbox;
let browser: Browser;
let ui: ConsolePage;

beforeAll(async () => {
  sandbox = await startSandbox({
    port: 0,
    emulatorPort: 0,
    databasePath: ':memory:',
    latencyMs: 5,
    provisioningDelayMs: 50,
  });
  browser = await launchChromium();
  ui = await openConsole(browser, sandbox.url, 'test-results/console-break-glass');
  await ui.page.getByTestId('who').waitFor(WAIT);
}, 60_000);

afterEach(() => {
  expect(ui.errors.splice(0)).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await sandbox?.stop();
});

/** The break-glass card in the open conversation. */
const card = (): Locator => ui.page.getByTestId('message').filter({ hasText: 'Break-glass R-' }).last();
const breakGlassCards = (): Locator => ui.page.getByTestId('message').filter({ hasText: 'Break-glass' });
/** Slack's danger red (#E01E5A) as the browser computes it. */
const RED = 'rgb(224, 30, 90)';

/** The bar's background colour as the browser computes it (this project's types carry no DOM lib). */
const barColour = (): Promise<string> =>
  card()
    .locator('.bk-attachment-bar')
    .evaluate(
      (el) =>
        (
          globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }
        ).getComputedStyle(el).backgroundColor,
    );

/** The card is drawn in a red attachment: the bar down its left is red, and its blocks and buttons sit beside it. */
async function expectRedBar(): Promise<void> {
  const bar = card().locator('.bk-attachment-bar');
  await bar.waitFor(WAIT);
  expect(await barColour()).toBe(RED);
  const box = await bar.boundingBox();
  expect(box?.width ?? 0).toBeGreaterThan(0);
  expect(box?.height ?? 0).toBeGreaterThan(20);
  const body = card().locator('.bk-attachment-body');
  expect(await body.textContent()).toContain('🚨 Break-glass');
  await body.locator('button', { hasText: 'Mark reviewed' }).waitFor(WAIT);
}

describe('break-glass in the console', () => {
  it('refuses someone no rule lets break glass, says who may and what to do instead, and no card appears', async () => {
    await ui.beAs(PEOPLE.jay);
    await ui.open(CHANNELS.general);
    await ui.type(BREAK_GLASS);
    const refusal = ui.reply('may break glass');
    await refusal.waitFor(WAIT);
    expect(await refusal.textContent()).toContain('/access request AdministratorAccess prod');
    await ui.shot('jay-refused');
    await ui.open(CHANNELS.approvals);
    expect(await breakGlassCards().count()).toBe(0);
  });

  it('grants Omar, on call, at once, and shows its red card in the approvals and security channels', async () => {
    await ui.beAs(OMAR);
    await ui.open(CHANNELS.general);
    await ui.type(BREAK_GLASS);
    // The answer says it is granted at once, and loud on purpose.
    await ui.reply('This is loud on purpose').waitFor(WAIT);
    expect(await ui.reply('This is loud on purpose').textContent()).toContain('at once');
    await ui.shot('omar-broke-glass');

    await ui.beAs(PEOPLE.lena);
    await ui.open(CHANNELS.approvals);
    await card().waitFor(WAIT);
    const text = (await card().textContent()) ?? '';
    expect(text).toContain('🚨 Break-glass');
    expect(text).toContain('INC-4711 payments are down');
    expect(text).toContain('Needs review');
    // Red: End access now is in danger style, as Slack draws it; Mark reviewed is there too.
    await card().locator('button.bk-danger', { hasText: 'End access now' }).waitFor(WAIT);
    await card().locator('button', { hasText: 'Mark reviewed' }).waitFor(WAIT);
    // A red bar down the left of the card, its blocks and buttons beside it.
    await expectRedBar();
    await card().scrollIntoViewIfNeeded();
    await ui.shot('red-card-in-approvals');

    await ui.open(SECURITY);
    await card().locator('button.bk-danger', { hasText: 'End access now' }).waitFor(WAIT);
    await expectRedBar();
  });

  it('tells each lead in a direct message and puts a line in the audit channel', async () => {
    await ui.beAs(PEOPLE.lena);
    await ui.open('D0000LEAD1');
    await ui.message('Break-glass').waitFor(WAIT);
    expect(await ui.message('Break-glass').textContent()).toContain('review it');
    await ui.open(CHANNELS.audit);
    await ui.message('BROKE GLASS').waitFor(WAIT);
  });

  it('does not let Omar mark his own break-glass reviewed: the card still asks for a review', async () => {
    await ui.beAs(OMAR);
    await ui.open(CHANNELS.approvals);
    await card().locator('button', { hasText: 'Mark reviewed' }).click();
    await ui.reply('an approver other than you reviews it').waitFor(WAIT);
    await ui.shot('omar-cannot-review');
    expect(await card().textContent()).toContain('Needs review');
    await card().locator('button', { hasText: 'Mark reviewed' }).waitFor(WAIT);
  });

  it('Lena marks it reviewed on the card: the card says she did, and its buttons go', async () => {
    await ui.beAs(PEOPLE.lena);
    await ui.open(CHANNELS.approvals);
    await card().locator('button', { hasText: 'Mark reviewed' }).click();
    await expect.poll(() => card().textContent(), WAIT).toContain('Reviewed by');
    expect(await card().locator('button').count()).toBe(0);
    // Still red once updated.
    expect(await barColour()).toBe(RED);
    await ui.shot('card-reviewed');
  });
});
