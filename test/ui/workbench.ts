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

/** Opens the command palette with ">" and types `text`; returns the labels offered once the list shows them. */
export async function paletteEntries(page: Page, text: string): Promise<string[]> {
  const input = page.locator('.quick-input-widget input');
  if (!(await input.isVisible())) await page.keyboard.press('F1');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${text}`);
  const rows = page.locator('.quick-input-list .monaco-list-row');
  await rows.first().waitFor();
  // The list filters as it is typed into: wait until every row it shows matches the text (no row of an earlier filter).
  const words = text.toLowerCase().split(/\s+/).filter(Boolean);
  await page
    .waitForFunction(
      (wanted) => {
        const labels = Array.from(document.querySelectorAll('.quick-input-list .monaco-list-row .label-name')).map((e) => (e.textContent ?? '').toLowerCase());
        return labels.length > 0 && labels.every((label) => wanted.every((w) => label.includes(w)) || label.startsWith('no matching'));
      },
      words,
      { timeout: 10_000 },
    )
    .catch(() => undefined);
  return page.locator('.quick-input-list .monaco-list-row .label-name').allInnerTexts();
}

export async function runCommand(page: Page, title: string): Promise<void> {
  await paletteEntries(page, title);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().click();
}

export async function closePalette(page: Page): Promise<void> {
  await page.keyboard.press('Escape');
  await page
    .locator('.quick-input-widget')
    .waitFor({ state: 'hidden' })
    .catch(() => undefined);
}

/** The text of the notification toast that contains `text`, once it shows (faded in, so screenshots show it). */
export async function notification(page: Page, text: string | RegExp, timeoutMs = 30_000): Promise<string> {
  const toast = page.locator('.notification-toast', { hasText: text }).first();
  await toast.waitFor({ timeout: timeoutMs });
  const shown = await toast.innerText();
  // The fade-in (not the endless progress bar) has finished, so a screenshot shows the toast.
  await toast
    .evaluate((e) =>
      Promise.race([
        Promise.all(
          e
            .getAnimations({ subtree: true })
            .filter((a) => a.effect?.getTiming().iterations !== Infinity)
            .map((a) => a.finished),
        ),
        new Promise((resolve) => setTimeout(resolve, 2000)),
      ]),
    )
    .catch(() => undefined);
  return shown;
}

/**
 * Waits until the palette offers `title` (an extension's commands arrive a few seconds after the workbench shows,
 * later on a busy machine), reopening the palette until it does.
 */
export async function waitForCommand(page: Page, title: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await paletteEntries(page, title)).includes(title)) {
    if (Date.now() > deadline) throw new Error(`the palette never offered ${title}`);
    await closePalette(page);
    await page.waitForTimeout(500);
  }
}

/** Runs a command once the palette offers it. */
export async function runOfferedCommand(page: Page, title: string): Promise<void> {
  await waitForCommand(page, title);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().click();
}

/** "Developer: Reload Window", as a user would: VS Code saves its state and comes back with the same editors. */
export async function reloadWindow(page: Page): Promise<void> {
  await runOfferedCommand(page, 'Developer: Reload Window');
  await page.waitForEvent('load', { timeout: 60_000 }).catch(() => undefined);
  await waitForWorkbench(page);
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
 * keybinding with args is written to keybindings.json and pressed, again until `done()` (VS Code picks up the
 * saved keybindings a moment later).
 */
export async function runCommandWithArgs(
  page: Page,
  command: string,
  args: unknown,
  done: () => boolean | Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  await runCommand(page, 'Preferences: Open Keyboard Shortcuts (JSON)');
  const editor = page.locator('.editor-instance .monaco-editor').first();
  await editor.waitFor({ timeout: 30_000 });
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.insertText(JSON.stringify([{ key: 'ctrl+alt+shift+e', command, args }]));
  await page.keyboard.press('ControlOrMeta+S');
  await page
    .locator('.tab.dirty')
    .waitFor({ state: 'detached', timeout: 10_000 })
    .catch(() => undefined);
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`${command} did not take effect from its keybinding`);
    await page.keyboard.press('Control+Alt+Shift+E');
    const pressed = Date.now();
    while (!(await done()) && Date.now() - pressed < 5000) await page.waitForTimeout(200);
  }
}
