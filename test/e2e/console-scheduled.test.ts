/**
 * Access asked for ahead of time, in the sandbox, in a real browser (test/support/console-page.ts), with the
 * example organisation and `access-desk.example.yml` as `npm start` runs them: a start in the past is refused in
 * words; Jay asks for Developer on dev starting in 3 hours, Lena approves, and Jay's Home tab shows it as
 * scheduled (not granted yet: the Organisation has no such assignment) with a Cancel button that works.
 * Screenshots in test-results/console-scheduled/.
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

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

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
  ui = await openConsole(browser, sandbox.url, 'test-results/console-scheduled');
  await ui.page.getByTestId('who').waitFor(WAIT);
}, 60_000);

afterEach(() => {
  expect(ui.errors.splice(0)).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await sandbox?.stop();
});

/** Jay's Home tab, opened (app_home_opened). */
async function jaysHome(): Promise<Locator> {
  await ui.beAs(PEOPLE.jay);
  await ui.page.getByTestId('nav-home').click();
  const home = ui.page.getByTestId('home').locator('.bk-home');
  await home.waitFor(WAIT);
  return home;
}

/** The assignments the emulated organisation holds for Jay (the Organisation pane's source). */
async function jaysAssignments(): Promise<string[]> {
  const org = (await (await fetch(`${sandbox.url}/console/api/org`)).json()) as {
    assignments: { account: string; permissionSet: string; principal: string }[];
  };
  return org.assignments
    .filter((a) => a.principal === 'jay.junior@example.com')
    .map((a) => `${a.permissionSet} ${a.account}`);
}

describe('access ahead of time in the console', () => {
  it('refuses a start in the past in words, and sends nothing for approval', async () => {
    await ui.beAs(PEOPLE.jay);
    await ui.open(CHANNELS.general);
    await ui.type('/access request Developer dev 2h at 2020-01-01 09:00 too late');
    await ui.reply('is in the past').waitFor(WAIT);
    await ui.shot('start-in-the-past');
    await ui.beAs(PEOPLE.lena);
    await ui.open(CHANNELS.approvals);
    expect(await ui.page.getByTestId('message').filter({ hasText: 'too late' }).count()).toBe(0);
  });

  it('shows a request for later, once approved, as scheduled on the Home tab with its start, and grants nothing yet', async () => {
    await ui.beAs(PEOPLE.jay);
    await ui.open(CHANNELS.general);
    const asked = Date.now();
    await ui.type('/access request Developer dev 2h at +3h release rehearsal');
    await ui.reply('R-').waitFor(WAIT);

    await ui.beAs(PEOPLE.lena);
    await ui.open(CHANNELS.approvals);
    const card = ui.page
      .getByTestId('message')
      .filter({ hasText: 'release rehearsal' })
      .filter({ has: ui.page.locator('button[data-action-id="approve_request"]') });
    await card.last().waitFor(WAIT);
    await ui.shot('card-with-start');
    await card.last().locator('button[data-action-id="approve_request"]').click();
    await expect.poll(() => card.count(), WAIT).toBe(0);

    const home = await jaysHome();
    const scheduled = home
      .locator('.bk-section')
      .filter({ hasText: /scheduled/i })
      .filter({ hasText: 'Developer' });
    await scheduled.first().waitFor(WAIT);
    // Its start, three hours after it was asked for (to the minute), shown as a time in the reader's zone.
    const start = await scheduled.first().locator('time.bk-when').first().getAttribute('datetime');
    expect(Math.abs(new Date(start ?? '').getTime() - (asked + 3 * HOUR))).toBeLessThan(2 * MINUTE);
    await ui.shot('home-scheduled');
    // Jay holds what he held before (JuniorDeveloper), and not yet what starts in three hours.
    expect(await jaysAssignments()).toEqual(['JuniorDeveloper dev']);
  });

  it('cancels the scheduled access from the Home tab before it starts', async () => {
    const home = await jaysHome();
    await home.locator('button', { hasText: 'Cancel request' }).first().click();
    await ui.page.getByTestId('confirm-yes').click();
    await expect
      .poll(
        () =>
          home
            .locator('.bk-section')
            .filter({ hasText: /scheduled/i })
            .count(),
        WAIT,
      )
      .toBe(0);
    await ui.shot('home-cancelled');
    expect(await jaysAssignments()).not.toContain('Developer dev');
  });
});
