// Page helpers for driving VS Code (code-server) with Playwright.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';

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

/** Runs a command once the palette offers it (contributions arrive a few seconds after the workbench shows). */
export async function runOfferedCommand(page: Page, title: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await paletteEntries(page, title)).includes(title)) {
    if (Date.now() > deadline) throw new Error(`the palette never offered ${title}`);
    await closePalette(page);
    await page.waitForTimeout(1000);
  }
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().click();
}

/** The comparison panel's webview frame, once it shows. */
export async function comparisonFrame(page: Page): Promise<Frame> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      if (await frame.evaluate(() => document.getElementById('answer') !== null).catch(() => false)) return frame;
    }
    await page.waitForTimeout(250);
  }
  throw new Error('the comparison webview did not show up');
}

/**
 * Runs `command` with `args` from the UI: Playwright cannot pass command arguments through the palette, so a
 * keybinding with args is written to keybindings.json and pressed.
 */
export async function runCommandWithArgs(page: Page, command: string, args: unknown): Promise<void> {
  await runCommand(page, 'Preferences: Open Keyboard Shortcuts (JSON)');
  const editor = page.locator('.editor-instance .monaco-editor').first();
  await editor.waitFor({ timeout: 30_000 });
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.insertText(JSON.stringify([{ key: 'ctrl+alt+shift+e', command, args }]));
  await page.keyboard.press('ControlOrMeta+S');
  await page.waitForTimeout(1500);
  await page.keyboard.press('Control+Alt+Shift+E');
}
