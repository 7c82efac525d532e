import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { callAccounting, connectBus, type Bus } from '@corral/bus';
import { dropDatabase } from '@corral/db';
import { testDatabaseUrl } from '@corral/db/testing';
import { startStack, type Stack } from '@corral/testkit';
import { ensureAdminBuild, startAdmin, type AdminServer } from './admin-server.ts';
import { launchBrowser, screenshot, signIn } from './browser.ts';

const ADMIN = { email: 'ops@example.com', password: 'correct horse battery staple' };
const VIEWER = { email: 'viewer@example.com', password: 'only looking, never touching' };

describe('the admin console in a browser', { timeout: 120_000 }, () => {
  let databaseUrl: string;
  let stack: Stack;
  let admin: AdminServer;
  let bus: Bus;
  let browser: Browser;
  let adminContext: BrowserContext;

  beforeAll(async () => {
    ensureAdminBuild();
    databaseUrl = testDatabaseUrl('admin');
    stack = await startStack({ workers: [{ emulator: { tokensPerReply: 4 } }], accounting: { databaseUrl } });
    bus = await connectBus({ servers: stack.env.NATS_URL!, name: 'admin-test', prefix: stack.prefix });
    await callAccounting(bus, 'admin.users.create', { email: ADMIN.email, password: ADMIN.password, role: 'admin' });
    await callAccounting(bus, 'admin.users.create', { email: VIEWER.email, password: VIEWER.password, role: 'viewer' });
    admin = await startAdmin(stack, databaseUrl);
    browser = await launchBrowser();
    adminContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await admin?.close();
    await bus?.close();
    await stack?.close();
    if (databaseUrl) await dropDatabase(databaseUrl);
  });

  it('signs in, creates a team and a key in the browser; the key works with the openai SDK until it is revoked there', async () => {
    const page = await adminContext.newPage();
    await signIn(page, admin.url, ADMIN.email, ADMIN.password);

    await page.goto(`${admin.url}/teams`);
    await page.getByRole('button', { name: 'New team' }).click();
    const teamDialog = page.getByRole('dialog');
    await teamDialog.getByLabel('Name').fill('Research');
    await teamDialog.getByLabel('Budget per month (USD)').fill('50');
    await teamDialog.getByRole('button', { name: 'Create team' }).click();
    await expect.poll(() => page.getByRole('link', { name: 'Research' }).count(), { timeout: 10_000 }).toBe(1);
    await screenshot(page, 'teams');

    await page.goto(`${admin.url}/keys`);
    await page.getByRole('button', { name: 'New key' }).click();
    const keyDialog = page.getByRole('dialog');
    await keyDialog.getByLabel('Name').fill('notebook');
    await keyDialog.getByLabel('Team').click();
    await page.getByRole('listbox').getByRole('option', { name: 'Research' }).click();
    await keyDialog.getByRole('button', { name: 'Create key' }).click();
    const plaintext = (await page.getByTestId('key-plaintext').textContent({ timeout: 10_000 }))?.trim() ?? '';
    expect(plaintext.length).toBeGreaterThan(20);
    await screenshot(page, 'key-created');
    await keyDialog.getByRole('button', { name: 'Done' }).click();

    const client = new OpenAI({ baseURL: `${stack.edgeUrl}/v1`, apiKey: plaintext, maxRetries: 0 });
    // The edge learns new keys from a KV watch: the first call may race it for a moment.
    await expect.poll(async () => client.chat.completions.create({ model: 'llama3.2', messages: [{ role: 'user', content: 'hello' }] }).then(() => 'ok', (error: unknown) => String(error)), { timeout: 10_000 }).toBe('ok');

    // The request reaches every page within seconds (usage flows edge → JetStream → accounting → Postgres).
    const reloadUntil = async (url: string, check: () => Promise<boolean>) =>
      expect
        .poll(
          async () => {
            await page.goto(url);
            return check();
          },
          { timeout: 15_000, interval: 500 },
        )
        .toBe(true);
    await reloadUntil(`${admin.url}/requests`, async () => (await page.getByTestId('request-log').getByRole('row').filter({ hasText: 'notebook' }).count()) === 1);
    const logRow = page.getByTestId('request-log').getByRole('row').filter({ hasText: 'notebook' });
    await expect.poll(() => logRow.textContent()).toContain('Research');
    await expect.poll(() => logRow.textContent()).toContain('/v1/chat/completions');
    await screenshot(page, 'first-request-in-log');
    await reloadUntil(`${admin.url}/?range=24h`, async () => (await page.getByTestId('stat-requests').textContent())?.trim() === '1');
    await expect.poll(() => page.getByTestId('top-keys').textContent()).toContain('notebook');
    await screenshot(page, 'first-request-on-overview');
    await reloadUntil(`${admin.url}/usage?group=key`, async () => (await page.getByRole('main').textContent())?.includes('notebook') ?? false);

    await page.goto(`${admin.url}/keys`);
    await page.getByRole('link', { name: 'notebook' }).click();
    await expect.poll(() => page.getByTestId('usage-chart').isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke key' }).click();
    await expect.poll(() => page.getByTestId('key-status').textContent(), { timeout: 10_000 }).toBe('revoked');
    await screenshot(page, 'key-revoked');

    await expect
      .poll(async () => client.chat.completions.create({ model: 'llama3.2', messages: [{ role: 'user', content: 'again' }] }).then(() => 200, (error: unknown) => (error instanceof OpenAI.APIError ? error.status : -1)), { timeout: 10_000 })
      .toBe(401);
    await page.close();
  });

  it('shows a worker that starts within seconds and drops it after it stops; a cordoned worker gets no new jobs', async () => {
    const page = await adminContext.newPage();
    await signIn(page, admin.url, ADMIN.email, ADMIN.password);
    await page.goto(`${admin.url}/fleet`);
    const cards = page.getByTestId('worker-card');
    await expect.poll(() => cards.count(), { timeout: 10_000 }).toBe(1);

    const second = await stack.addWorker({ emulator: { tokensPerReply: 4 } });
    const secondCard = page.locator(`[data-worker-id="${second.workerId}"]`);
    await expect.poll(() => secondCard.count(), { timeout: 10_000 }).toBe(1);
    await stack.waitForWorkers(2);
    await screenshot(page, 'fleet-two-workers');

    // Cordon the first worker from the page: new jobs all go to the second.
    const first = stack.workers[0]!;
    const firstCard = page.locator(`[data-worker-id="${first.workerId}"]`);
    await firstCard.getByRole('button', { name: 'Cordon' }).click();
    await expect.poll(() => firstCard.getByTestId('worker-state').textContent(), { timeout: 10_000 }).toBe('cordoned');
    // The edge has heard of the cordon once its readiness counts one worker that takes jobs.
    await stack.waitForWorkers(1);
    const key = await stack.createKey('fleet-test');
    const client = new OpenAI({ baseURL: `${stack.edgeUrl}/v1`, apiKey: key, maxRetries: 0 });
    const servedBefore = first.emulator.requests().length;
    for (let index = 0; index < 6; index++) await client.chat.completions.create({ model: 'llama3.2', messages: [{ role: 'user', content: `cordoned ${index}` }] });
    expect(first.emulator.requests().length).toBe(servedBefore);
    await screenshot(page, 'fleet-cordoned');
    await firstCard.getByRole('button', { name: 'Uncordon' }).click();
    await expect.poll(() => firstCard.getByTestId('worker-state').textContent(), { timeout: 10_000 }).toBe('healthy');

    second.process.kill('SIGKILL');
    await expect.poll(() => secondCard.count(), { timeout: 10_000 }).toBe(0);
    await screenshot(page, 'fleet-one-worker');
    await page.close();
  });

  it("refuses a viewer's mutation on the server, even when the page's controls are forced open", async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await signIn(page, admin.url, VIEWER.email, VIEWER.password);
    await page.goto(`${admin.url}/teams`);
    await page.getByRole('button', { name: 'New team' }).click();
    const dialog = page.getByRole('dialog');
    const fieldset = dialog.locator('fieldset');
    expect(await fieldset.getAttribute('disabled')).not.toBeNull();
    // Undo the page's courtesy (its disabled form); the server still decides.
    await fieldset.evaluate((element) => element.removeAttribute('disabled'));
    await dialog.getByLabel('Name').fill('Viewer was here');
    await dialog.getByRole('button', { name: 'Create team' }).click();
    await expect.poll(() => dialog.getByTestId('mutation-error').textContent(), { timeout: 10_000 }).toContain('read-only');
    await screenshot(page, 'viewer-refused');
    const teams = await callAccounting(bus, 'teams.list', {});
    expect(teams.map((team) => team.name)).not.toContain('Viewer was here');
    await context.close();
  });

  it('refuses a cross-origin POST that carries a valid admin session', async () => {
    const page = await adminContext.newPage();
    await signIn(page, admin.url, ADMIN.email, ADMIN.password);
    const response = await adminContext.request.post(`${admin.url}/teams`, { headers: { origin: 'https://evil.example' }, form: { name: 'Cross origin' }, failOnStatusCode: false });
    expect(response.status()).toBe(403);
    expect(await response.text()).toContain('Origin');
    const teams = await callAccounting(bus, 'teams.list', {});
    expect(teams.map((team) => team.name)).not.toContain('Cross origin');
    await page.goto(`${admin.url}/teams`);
    await screenshot(page, 'cross-origin-refused');
    await page.close();
  });

  it('refuses a wrong password, then slows repeated failures down', async () => {
    // Its own client address, so the throttle it trips does not lock the other tests out.
    const context = await browser.newContext({ extraHTTPHeaders: { 'x-forwarded-for': '203.0.113.9' } });
    const page = await context.newPage();
    await page.goto(`${admin.url}/login`);
    const messages: string[] = [];
    for (let attempt = 0; attempt < 7; attempt++) {
      await page.getByLabel('Email').fill(ADMIN.email);
      await page.getByRole('textbox', { name: 'Password' }).fill('not the password at all');
      const answered = page.waitForResponse((response) => response.request().method() === 'POST', { timeout: 10_000 });
      await page.getByRole('button', { name: 'Sign in' }).click({ timeout: 10_000 });
      await answered.catch(async (error: unknown) => {
        await screenshot(page, 'debug-login');
        throw error;
      });
      await expect.poll(() => page.locator('button[data-loading]').count(), { timeout: 10_000 }).toBe(0);
      const error = page.getByTestId('sign-in-error');
      await expect.poll(() => error.count(), { timeout: 10_000 }).toBe(1);
      messages.push((await error.textContent()) ?? '');
    }
    expect(messages[0]).toBe('Wrong email or password.');
    expect(messages.at(-1)).toMatch(/^Too many attempts, retry in \d+ s\.$/);
    expect(page.url()).toBe(`${admin.url}/login`);
    await screenshot(page, 'sign-in-throttled');
    await context.close();
  });
});
