import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { overview, requestLog, usageBreakdown } from '@corral/analytics';
import { callAccounting, connectBus, type Bus } from '@corral/bus';
import { createDb, dropDatabase, ensureDatabase, type DbHandle } from '@corral/db';
import { testDatabaseUrl } from '@corral/db/testing';
import { repoRoot, startStack, type Stack } from '@corral/testkit';
import { ensureAdminBuild, startAdmin, type AdminServer } from './admin-server.ts';
import { launchBrowser, screenshot, signIn } from './browser.ts';

const ADMIN = { email: 'analyst@example.com', password: 'figures that add up, always' };
const count = (value: number) => value.toLocaleString('en-US');

/** The usage seed through its command, as a person runs it (days of rows ending now). */
function seed(databaseUrl: string): void {
  const result = spawnSync('pnpm', ['db:seed', '--rows', '3000', '--days', '20', '--keys', '12', '--models', '4', '--teams', '3'], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, DATABASE_URL: databaseUrl } });
  if (result.status !== 0) throw new Error(`the usage seed failed:\n${result.stdout}\n${result.stderr}`);
}

describe('the analytics pages in a browser', { timeout: 120_000 }, () => {
  let databaseUrl: string;
  let database: DbHandle;
  let stack: Stack;
  let bus: Bus;
  let admin: AdminServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    ensureAdminBuild();
    databaseUrl = testDatabaseUrl('analytics_pages');
    await ensureDatabase(databaseUrl);
    seed(databaseUrl);
    database = createDb(databaseUrl, { maxConnections: 2 });
    stack = await startStack({ workers: [], accounting: { databaseUrl } });
    bus = await connectBus({ servers: stack.env.NATS_URL!, name: 'analytics-pages-test', prefix: stack.prefix });
    await callAccounting(bus, 'admin.users.create', { email: ADMIN.email, password: ADMIN.password, role: 'admin' });
    admin = await startAdmin(stack, databaseUrl);
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await signIn(page, admin.url, ADMIN.email, ADMIN.password);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await admin?.close();
    await bus?.close();
    await stack?.close();
    await database?.close();
    if (databaseUrl) await dropDatabase(databaseUrl);
  });

  it('shows the overview figures the rollups hold, for the range picked', async () => {
    await page.goto(`${admin.url}/?range=7d`);
    const expected = await overview(database.db, { range: '7d' });
    expect(expected.totals.requests).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('stat-requests').textContent()).toBe(count(expected.totals.requests));
    expect(await page.getByTestId('stat-errors').textContent()).toBe(count(expected.totals.errors));
    expect(await page.getByRole('link', { name: '7 days' }).getAttribute('aria-current')).toBe('page');
    await expect.poll(() => page.getByTestId('top-models').locator('tbody tr').count()).toBe(4);
    await screenshot(page, 'analytics-overview-1280');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await screenshot(page, 'analytics-overview-390');
    // Charts and tables stay inside a phone's width; the tables scroll inside their own box.
    // A string: this package's types have no DOM.
    expect(await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('breaks usage down by team with a chart and a table, refuses a backwards range, and exports the same figures as CSV', async () => {
    const to = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.now() - 13 * 86_400_000).toISOString().slice(0, 10);
    await page.goto(`${admin.url}/usage?group=team&granularity=day&from=${from}&to=${to}`);
    const rows = await usageBreakdown(database.db, { groupBy: 'team', granularity: 'day', from: new Date(`${from}T00:00:00Z`), to: new Date(new Date(`${to}T00:00:00Z`).getTime() + 86_400_000) });
    const perTeam = new Map<string, number>();
    for (const row of rows) perTeam.set(row.groupName, (perTeam.get(row.groupName) ?? 0) + row.requests);
    const [topName, topRequests] = [...perTeam.entries()].sort((left, right) => right[1] - left[1])[0]!;
    const firstRow = page.getByTestId('usage-table').locator('tbody tr').first();
    expect(await firstRow.locator('td').first().textContent()).toBe(topName);
    expect(await firstRow.locator('td').nth(1).textContent()).toBe(count(topRequests));
    // The chart draws after hydration.
    await expect.poll(() => page.getByTestId('usage-chart').locator('.recharts-bar-rectangle').count()).toBeGreaterThan(0);
    await screenshot(page, 'analytics-usage');

    const csv = await page.request.get(`${admin.url}/api/usage/csv?group=team&granularity=day&from=${from}&to=${to}`);
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-disposition']).toBe(`attachment; filename="corral-usage-team-daily-${from}-${to}.csv"`);
    const lines = (await csv.text()).split('\r\n').filter(Boolean);
    expect(lines[0]).toBe('period,group_id,group,requests,errors,prompt_tokens,completion_tokens,cost_usd,gpu_seconds');
    expect(lines.slice(1).reduce((sum, line) => sum + Number(line.split(',')[3]), 0)).toBe(rows.reduce((sum, row) => sum + row.requests, 0));

    await page.goto(`${admin.url}/usage?from=${to}&to=${from}`);
    expect(await page.getByTestId('usage-error').filter({ visible: true }).textContent()).toContain(`\`from\` (${to}) is after \`to\` (${from})`);
    const refused = await page.request.get(`${admin.url}/api/usage/csv?from=${to}&to=${from}`);
    expect(refused.status()).toBe(400);
  });

  it('pages the request log by cursor, newest first, and filters it', async () => {
    const expected = await requestLog(database.db, { limit: 50 });
    await page.goto(`${admin.url}/requests`);
    const table = page.getByTestId('request-log');
    const firstTime = () => table.locator('tbody tr').first().locator('td').first().textContent();
    // The page streams in after its loading state: wait for the rows rather than count too early.
    await expect.poll(() => table.locator('tbody tr').count()).toBe(50);
    expect(await firstTime()).toBe(expected.rows[0]!.startedAt.toISOString().replace('T', ' ').slice(0, 23));
    await screenshot(page, 'analytics-requests');

    const older = await requestLog(database.db, { limit: 50, after: expected.nextCursor! });
    await page.getByRole('link', { name: 'Older →' }).click();
    await expect.poll(firstTime).toBe(older.rows[0]!.startedAt.toISOString().replace('T', ' ').slice(0, 23));
    await page.getByRole('link', { name: '← Newer' }).click();
    await expect.poll(firstTime).toBe(expected.rows[0]!.startedAt.toISOString().replace('T', ' ').slice(0, 23));

    await page.getByLabel('Status').selectOption('error');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/status=error/);
    await expect.poll(() => page.getByLabel('Status').inputValue()).toBe('error');
    await expect.poll(() => table.locator('tbody tr').count()).toBeGreaterThan(0);
    const statuses = await table.locator('tbody tr td:nth-child(6)').allTextContents();
    expect(statuses.every((status) => !status.endsWith(' ok'))).toBe(true);

    await page.goto(`${admin.url}/requests?model=no-such-model`);
    expect(await page.getByTestId('empty-state').filter({ visible: true }).textContent()).toContain('No request matches these filters');
    await page.goto(`${admin.url}/requests?team=not-a-team`);
    expect(await page.getByTestId('request-log-error').filter({ visible: true }).textContent()).toContain('team:');
  });
});
