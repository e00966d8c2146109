/**
 * The sandbox's console page in a real browser, for the browser tests: Debian's Chromium driven by playwright-core,
 * headless, with a fresh empty profile, resolving nothing but loopback (host resolver rules), like every test.
 * Script errors on the page and browser dialogs (the console asks in the page; an `alert` would be a script
 * injected by text) are collected, for the test to assert there were none.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const WAIT = { timeout: 15_000 };

export const PEOPLE = {
  ada: 'U0000ADMIN',
  jay: 'U0000JAY01',
  lena: 'U0000LEAD1',
} as const;
export const CHANNELS = {
  general: 'C0000GENERAL',
  approvals: 'C0000APPROV',
  audit: 'C0000AUDIT',
} as const;

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
    ],
  });
}

export interface ConsolePage {
  page: Page;
  /** Script errors and browser dialogs so far; the test empties it (`splice(0)`) and expects none. */
  errors: string[];
  /** A screenshot of this step, numbered, in the folder given to openConsole. */
  shot(name: string): Promise<void>;
  beAs(userId: string): Promise<void>;
  /** Opens a conversation and waits until it is the open one. */
  open(conversationId: string): Promise<void>;
  /** Types a command in the message box and sends it with Enter. */
  type(command: string): Promise<void>;
  /** The last message (in the open conversation) that holds `text`. */
  message(text: string): Locator;
  /** The last ephemeral answer (in the open conversation) that holds `text`. */
  reply(text: string): Locator;
  /** The unread badge of a conversation in the sidebar. */
  badgeOf(conversationId: string): Locator;
  /** The console's error notice, while it shows. */
  errorNotice(): Locator;
}

/**
 * A new page on the console at `url`; screenshots go to `shots` (emptied first: this run's steps only). The
 * browser's time zone and locale are the machine's unless given (`{ timezoneId: 'Asia/Tokyo', locale: 'en-GB' }`).
 */
export async function openConsole(
  browser: Browser,
  url: string,
  shots: string,
  reader: { timezoneId?: string; locale?: string } = {},
): Promise<ConsolePage> {
  rmSync(shots, { recursive: true, force: true });
  mkdirSync(shots, { recursive: true });
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 }, ...reader });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  page.on('dialog', (dialog) => {
    errors.push(`unexpected ${dialog.type()} dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  await page.goto(url);
  let step = 0;
  const conversation = (id: string): Locator => page.getByTestId(`conversation-${id}`);
  return {
    page,
    errors,
    async shot(name) {
      step += 1;
      await page.screenshot({ path: join(shots, `${String(step).padStart(2, '0')}-${name}.png`) });
    },
    async beAs(userId) {
      await page.getByTestId('who').selectOption(userId);
    },
    async open(conversationId) {
      await conversation(conversationId).click();
      await expect.poll(() => conversation(conversationId).getAttribute('class'), WAIT).toContain('active');
    },
    async type(command) {
      await page.getByTestId('command').fill(command);
      await page.getByTestId('command').press('Enter');
    },
    message: (text) => page.getByTestId('message').filter({ hasText: text }).last(),
    reply: (text) => page.locator('.message.ephemeral').filter({ hasText: text }).last(),
    badgeOf: (conversationId) => conversation(conversationId).locator('.count'),
    errorNotice: () => page.locator('[data-testid="notice"].error:not([hidden])'),
  };
}
