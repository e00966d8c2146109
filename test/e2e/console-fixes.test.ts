/**
 * The console's fixes of issue 14, in a real browser (Debian's Chromium driven by playwright-core, as in
 * console-browser.test.ts): unread badges that clear, people named as in Slack (`@Kim Leaver`), Reset asked in
 * the page, a lost console shown as "Reconnecting…" without losing what was typed, and the welcome email shown
 * whole. The sandbox keeps a file database, so that it can be stopped and started again on the same port.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
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

const { ada: ADA, jay: JAY, lena: LENA } = PEOPLE;
const { general: GENERAL, approvals: APPROVALS } = CHANNELS;

const TOKYO = 'Asia/Tokyo';

const dir = mkdtempSync(join(tmpdir(), 'access-desk-console-fixes-'));
let sandbox: RunningSandbox | undefined;
let port = 0;
let browser: Browser;
let ui: ConsolePage;

/** What the evaluate callbacks read of the page (this project's tsconfig has no DOM library; types only). */
interface InPage {
  document: {
    activeElement: {
      closest(selector: string): { id: string } | null;
      getAttribute(name: string): string | null;
    } | null;
    documentElement: { scrollHeight: number };
    body: { scrollHeight: number };
  };
}

async function start(): Promise<RunningSandbox> {
  sandbox = await startSandbox({
    port,
    emulatorPort: 0,
    databasePath: join(dir, 'access-desk.sqlite'),
    latencyMs: 5,
    provisioningDelayMs: 50,
  });
  port = Number(new URL(sandbox.url).port);
  return sandbox;
}

beforeAll(async () => {
  await start();
  browser = await launchChromium();
  // A reader far from UTC, who writes times in 24 hours: the times the bot sends show in their own time.
  ui = await openConsole(browser, sandbox?.url ?? '', 'test-results/console-fixes', {
    timezoneId: TOKYO,
    locale: 'en-GB',
  });
}, 60_000);

afterEach(() => {
  expect(ui.errors.splice(0)).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await sandbox?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The console's HTTP API, as another person in the workspace would act at the same time. */
async function post(path: string, body: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${sandbox?.url ?? ''}/console/api${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
}

describe('the console fixes of issue 14, in a browser', () => {
  it('raises no badge for a conversation that is open when a message arrives in it', async () => {
    await ui.page.getByTestId('who').waitFor(WAIT);
    await ui.beAs(JAY);
    await ui.open(GENERAL);
    await ui.type('/access whois');
    await ui.reply('jay.junior@example.com').waitFor(WAIT);
    expect(await ui.badgeOf(GENERAL).count()).toBe(0);
    await ui.shot('open-conversation-no-badge');
  });

  it('clears a badge when its conversation is opened, and a reload does not bring it back', async () => {
    await ui.beAs(LENA);
    await ui.open(GENERAL);
    await post('/command', { as: JAY, channel: GENERAL, text: 'request Developer dev 2h badge story' });
    // The card arrives in #access-approvals, which Lena does not have open: its badge says so.
    await expect.poll(() => ui.badgeOf(APPROVALS).textContent(), WAIT).toBe('1');
    await ui.shot('badge-on-approvals');
    await ui.open(APPROVALS);
    await ui.page.getByTestId('message').filter({ hasText: 'badge story' }).first().waitFor(WAIT);
    await expect.poll(() => ui.badgeOf(APPROVALS).count(), WAIT).toBe(0);

    await ui.page.reload();
    await expect.poll(() => ui.page.getByTestId('who').inputValue(), WAIT).toBe(LENA);
    await ui.page.getByTestId(`conversation-${APPROVALS}`).waitFor(WAIT);
    expect(await ui.badgeOf(APPROVALS).count()).toBe(0);
    await ui.shot('badge-cleared-after-reload');
  });

  it('shows a time the bot sends in the reader’s own time zone, as Slack does, with the UTC time on hover', async () => {
    // Jay's request above lapses at a time the Home tab gives as <!date^…|… UTC>.
    await ui.beAs(JAY);
    await ui.page.getByTestId('nav-home').click();
    const time = ui.page.getByTestId('home').locator('time.bk-when').first();
    await time.waitFor(WAIT);
    const at = new Date((await time.getAttribute('datetime')) ?? '');
    const inTokyo = at.toLocaleTimeString('en-GB', { timeZone: TOKYO, hour: '2-digit', minute: '2-digit' });
    const utc = at.toISOString().slice(11, 16);
    expect(inTokyo).not.toBe(utc);
    await expect.poll(() => time.textContent(), WAIT).toContain(inTokyo);
    expect(await time.textContent()).not.toContain('UTC');
    expect(await time.getAttribute('title')).toContain(`${utc} UTC`);
    await ui.shot('home-time-in-tokyo');
  });

  it('writes a time in the first hour after midnight with two digits for a 24-hour reader, whatever the hour of the run', async () => {
    // 15:20 UTC is 00:20 the next day in Tokyo: the hour a 24-hour reader must see as 00, not 0.
    await ui.page.evaluate(() => {
      const page = globalThis as unknown as {
        document: {
          createElement(tag: string): {
            className: string;
            dateTime: string;
            dataset: Record<string, string>;
          };
          body: { append(node: unknown): void };
        };
      };
      const time = page.document.createElement('time');
      time.className = 'bk-when';
      time.dateTime = '2026-12-07T15:20:00Z';
      time.dataset.format = '{date_num} {time}';
      time.dataset.test = 'midnight';
      page.document.body.append(time);
    });
    const time = ui.page.locator('time[data-test="midnight"]');
    await expect.poll(() => time.textContent(), WAIT).toBe('2026-12-08 00:20');
  });

  it('sends @Kim Leaver, typed with a space as in Slack, as Kim by their Slack id, and @kim.leaver too', async () => {
    await ui.beAs(ADA);
    await ui.open(GENERAL);
    await ui.type('/access whois @Kim Leaver');
    await ui.reply('kim.leaver@example.com').waitFor(WAIT);
    expect(await ui.page.getByTestId('command').inputValue()).toBe('');
    await ui.type('/access whois @kim.leaver');
    await expect
      .poll(
        () => ui.page.locator('.message.ephemeral').filter({ hasText: 'kim.leaver@example.com' }).count(),
        WAIT,
      )
      .toBe(2);
    expect(await ui.errorNotice().count()).toBe(0);
    await ui.shot('whois-kim-by-name');
  });

  it('sends an @name that is nobody as typed, as Slack does, and shows the bot answering it', async () => {
    await ui.beAs(ADA);
    await ui.open(GENERAL);
    await ui.type('/access whois @Nobody');
    await ui.reply('No Identity Center user has the email or user name').waitFor(WAIT);
    expect(await ui.page.getByTestId('command').inputValue()).toBe('');
    expect(await ui.errorNotice().count()).toBe(0);
  });

  it('offers people as an @name is typed, and the one chosen is put in the message by name', async () => {
    await ui.beAs(ADA);
    await ui.open(GENERAL);
    const input = ui.page.getByTestId('command');
    await input.fill('');
    await input.pressSequentially('/access whois @kim');
    const list = ui.page.getByRole('listbox', { name: 'People' });
    await list.getByRole('option', { name: /Kim Leaver/ }).waitFor(WAIT);
    await ui.shot('mention-autocomplete');
    await input.press('ArrowDown');
    await input.press('Enter');
    expect(await input.inputValue()).toBe('/access whois @Kim Leaver ');
    expect(await list.isHidden()).toBe(true);
    const replies = ui.page.locator('.message.ephemeral').filter({ hasText: 'kim.leaver@example.com' });
    const count = await replies.count();
    await input.press('Enter');
    await expect.poll(() => replies.count(), WAIT).toBe(count + 1);
  });

  it('shows the welcome email whole, in a sandboxed frame as tall as the email, where no script runs', async () => {
    await ui.beAs(ADA);
    await ui.open(GENERAL);
    await ui.type('/access welcome kim.leaver@example.com');
    await ui.page.getByTestId('nav-mailbox').click();
    const frame = ui.page.getByTestId('email').first().locator('iframe.email-html');
    await frame.waitFor(WAIT);
    const sandboxed = (await frame.getAttribute('sandbox')) ?? 'none';
    expect(sandboxed.split(/\s+/)).not.toContain('allow-scripts');
    // The email's last line ends inside the frame's box: nothing is cut off, nothing scrolls inside it.
    const content = frame.contentFrame();
    await content.locator('body').waitFor(WAIT);
    await expect
      .poll(async () => {
        const box = await frame.boundingBox();
        const height = await content.locator('html').evaluate((html) => {
          const { documentElement, body } = (html as unknown as { ownerDocument: InPage['document'] })
            .ownerDocument;
          return Math.max(documentElement.scrollHeight, body.scrollHeight);
        });
        return box !== null && Math.round(box.height) >= height;
      }, WAIT)
      .toBe(true);
    await frame.scrollIntoViewIfNeeded();
    await ui.shot('welcome-email-whole');
    await ui.open(GENERAL);
  });

  it('asks before Reset in a dialog of the page: focus inside, Escape cancels and changes nothing, then Start over starts over', async () => {
    await ui.beAs(ADA);
    await ui.open(GENERAL);
    const messages = await ui.page.getByTestId('message').count();
    expect(messages).toBeGreaterThan(0);

    const reset = ui.page.getByTestId('reset');
    await reset.click();
    const dialog = ui.page.getByRole('dialog', { name: 'Start over?' });
    await dialog.waitFor(WAIT);
    expect(
      await ui.page.evaluate(
        () => (globalThis as unknown as InPage).document.activeElement?.closest('dialog')?.id,
      ),
    ).toBe('reset-dialog');
    await ui.shot('reset-dialog');
    await ui.page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden', ...WAIT });
    expect(
      await ui.page.evaluate(() =>
        (globalThis as unknown as InPage).document.activeElement?.getAttribute('data-testid'),
      ),
    ).toBe('reset');
    expect(await ui.page.getByTestId('message').count()).toBe(messages);

    await reset.click();
    await dialog.getByRole('button', { name: 'Start over' }).click();
    await dialog.waitFor({ state: 'hidden', ...WAIT });
    await expect.poll(() => ui.page.getByTestId('message').count(), WAIT).toBe(0);
    await ui.shot('after-reset');
  });

  it('keeps what was typed when the console is away, says Reconnecting…, and sends it once the console is back', async () => {
    await ui.beAs(JAY);
    await ui.open(GENERAL);
    await sandbox?.stop();
    sandbox = undefined;

    // The event stream broke: the page says so before anyone sends anything.
    const status = ui.page.getByTestId('connection');
    await expect.poll(() => status.textContent(), WAIT).toBe('Reconnecting…');
    await ui.type('/access whois');
    await expect
      .poll(() => status.textContent(), WAIT)
      .toContain('what you sent goes once the console is back');
    expect(await ui.page.getByTestId('command').inputValue()).toBe('/access whois');
    expect(await status.isVisible()).toBe(true);
    expect(await ui.page.locator('body').innerText()).not.toContain('Failed to fetch');
    expect(await ui.errorNotice().count()).toBe(0);
    await ui.shot('reconnecting-text-kept');

    // Back on the same port: the page says so and sends the command by itself, once.
    await start();
    await expect.poll(() => status.textContent(), WAIT).toBe('Connected');
    await ui.reply('jay.junior@example.com').waitFor(WAIT);
    expect(await ui.page.getByTestId('command').inputValue()).toBe('');
    expect(
      await ui.page.locator('.message.ephemeral').filter({ hasText: 'jay.junior@example.com' }).count(),
    ).toBe(1);
    await ui.shot('connected-again');

    // The page listens again: what someone else does shows without a reload.
    await ui.beAs(LENA);
    await ui.open(GENERAL);
    await post('/command', { as: JAY, channel: GENERAL, text: 'request Developer dev 2h after the restart' });
    await expect.poll(() => ui.badgeOf(APPROVALS).textContent(), WAIT).toBe('1');
  });
});
