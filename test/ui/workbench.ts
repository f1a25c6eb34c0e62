// Page helpers for driving VS Code (code-server) with Playwright.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';

export const screenshotsDir = path.resolve(__dirname, '..', '..', '..', 'test-results', 'screenshots');

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(screenshotsDir, { recursive: true });
  const file = path.join(screenshotsDir, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

export async function waitForWorkbench(page: Page): Promise<void> {
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await page.locator('.activitybar').waitFor({ timeout: 60_000 });
}

/** Opens the command palette with ">" and types `text`; returns the labels offered. */
export async function paletteEntries(page: Page, text: string): Promise<string[]> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${text}`);
  await page.locator('.quick-input-list .monaco-list-row').first().waitFor();
  await page.waitForTimeout(300);
  return page.locator('.quick-input-list .monaco-list-row .label-name').allInnerTexts();
}

export async function runCommand(page: Page, title: string): Promise<void> {
  await paletteEntries(page, title);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().click();
}

export async function closePalette(page: Page): Promise<void> {
  await page.keyboard.press('Escape');
}

/** The text of the notification toast that contains `text`, once it shows. */
export async function notification(page: Page, text: string | RegExp): Promise<string> {
  const toast = page.locator('.notification-toast', { hasText: text }).first();
  await toast.waitFor({ timeout: 30_000 });
  await page.waitForTimeout(400); // let the fade-in finish so screenshots show it
  return toast.innerText();
}
