import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const artifactsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'artifacts');

/** The system Chromium, headless; Playwright gives every launch a fresh temporary profile (user-data-dir). */
export async function launchBrowser(): Promise<Browser> {
  mkdirSync(artifactsDir, { recursive: true });
  if (!existsSync(CHROMIUM)) throw new Error(`the admin app's browser tests need Chromium at ${CHROMIUM}: install it (Debian/Ubuntu: apt-get install chromium) or set CHROMIUM_PATH`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(artifactsDir, `${name}.png`), fullPage: true });
}

/** Signs in through the login form and waits for the console (at once when this context is signed in already). */
export async function signIn(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  if (!page.url().startsWith(`${baseUrl}/login`)) return;
  await page.getByLabel('Email').fill(email);
  await page.getByRole('textbox', { name: 'Password' }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  try {
    await page.waitForURL(`${baseUrl}/`, { timeout: 10_000 });
  } catch (error) {
    await screenshot(page, 'sign-in-failed');
    const shown = await page.getByTestId('sign-in-error').textContent({ timeout: 100 }).catch(() => null);
    throw new Error(`sign-in as ${email} did not reach the console${shown ? `: the page says "${shown}"` : ''}`, { cause: error });
  }
}
