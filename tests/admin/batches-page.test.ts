import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { callAccounting, connectBus, createBatchRecord, deleteBatchStores, ensureBatchQueues, getBatchRecord, updateBatchRecord, type Bus } from '@corral/bus';
import { dropDatabase } from '@corral/db';
import { testDatabaseUrl } from '@corral/db/testing';
import { Heartbeat, PROTOCOL_VERSION, newBatchRecord, type BatchRecord } from '@corral/protocol';
import { startStack, type Stack } from '@corral/testkit';
import { ensureAdminBuild, startAdmin, type AdminServer } from './admin-server.ts';
import { launchBrowser, screenshot, signIn } from './browser.ts';

const ADMIN = { email: 'batches@example.com', password: 'fifty thousand lines tonight' };
const VIEWER = { email: 'watcher@example.com', password: 'only the progress bars, thanks' };

/** Unix seconds as the console shows times: `2026-12-02 09:47 UTC`. */
const utcMinute = (seconds: number) => `${new Date(seconds * 1000).toISOString().replace('T', ' ').slice(0, 16)} UTC`;

function batchRecord(id: string, createdAt: number, overrides: Partial<BatchRecord>): BatchRecord {
  const created = newBatchRecord({ id, keyId: '', teamId: null, endpoint: '/v1/chat/completions', inputFileId: `file-${id}`, completionWindow: '24h', metadata: null, createdAt, expiresAt: createdAt + 86_400 });
  return { ...created, model: 'llama3.2', status: 'in_progress', inProgressAt: createdAt + 2, ...overrides };
}

describe('the batches page in a browser', { timeout: 120_000 }, () => {
  let databaseUrl: string;
  let stack: Stack;
  let bus: Bus;
  let admin: AdminServer;
  let browser: Browser;
  let page: Page;
  let keyId: string;
  const now = Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    ensureAdminBuild();
    databaseUrl = testDatabaseUrl('admin_batches');
    // No edge runs batch work here: the seeded records stand for batches another edge is running.
    stack = await startStack({ workers: [], accounting: { databaseUrl }, edgeEnv: { BATCH_RUNNER: 'false' } });
    bus = await connectBus({ servers: stack.env.NATS_URL!, name: 'admin-batches-test', prefix: stack.prefix });
    await callAccounting(bus, 'admin.users.create', { email: ADMIN.email, password: ADMIN.password, role: 'admin' });
    await callAccounting(bus, 'admin.users.create', { email: VIEWER.email, password: VIEWER.password, role: 'viewer' });
    keyId = (await callAccounting(bus, 'keys.create', { name: 'nightly-evals' })).key.id;
    // The queues as an edge creates them: a cancel purges the batch's queued units.
    await ensureBatchQueues(bus);
    await createBatchRecord(
      bus,
      batchRecord('batch_done_last_night', now - 7_200, { keyId, status: 'completed', requestCounts: { total: 250, completed: 250, failed: 0 }, finalizingAt: now - 3_700, completedAt: now - 3_600, outputFileId: 'file-out', units: 3, unitsDone: 250 }),
    );
    await createBatchRecord(
      bus,
      batchRecord('batch_running_evals', now - 600, { keyId, metadata: { description: 'nightly evals' }, requestCounts: { total: 1_000, completed: 390, failed: 10 }, units: 10, unitsDone: 400 }),
    );
    admin = await startAdmin(stack, databaseUrl);
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    await signIn(page, admin.url, ADMIN.email, ADMIN.password);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await admin?.close();
    if (bus) await deleteBatchStores(bus);
    await bus?.close();
    await stack?.close();
    if (databaseUrl) await dropDatabase(databaseUrl);
  });

  it('lists the batches newest first with their progress, follows a running one live, and cancels it', async () => {
    await page.goto(`${admin.url}/`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Batches' }).click();
    await page.waitForURL(`${admin.url}/batches`);
    const rows = page.getByTestId('batch-row');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(2);
    expect(await rows.evaluateAll((elements) => elements.map((element) => element.getAttribute('data-batch-id')))).toEqual(['batch_running_evals', 'batch_done_last_night']);

    const running = page.locator('[data-batch-id="batch_running_evals"]');
    expect(await running.getByTestId('batch-status').textContent()).toBe('in progress');
    expect(await running.getByTestId('batch-progress').textContent()).toBe('400 / 1,000 · 10 failed');
    expect(await running.getByTestId('batch-percent').textContent()).toBe('40 %');
    expect(await running.getByRole('progressbar').first().getAttribute('aria-valuenow')).toBe('39');
    expect(await running.getByRole('link', { name: 'nightly-evals' }).getAttribute('href')).toBe(`/keys/${keyId}`);
    expect(await running.textContent()).toContain('nightly evals');
    expect(await running.textContent()).toContain('/v1/chat/completions');
    expect(await running.getByTestId('batch-created').textContent()).toBe(utcMinute(now - 600));
    expect(await running.textContent()).toContain('expires in 23 h');

    const done = page.locator('[data-batch-id="batch_done_last_night"]');
    expect(await done.getByTestId('batch-status').textContent()).toBe('completed');
    expect(await done.getByTestId('batch-progress').textContent()).toBe('250 / 250');
    expect(await done.getByTestId('batch-percent').textContent()).toBe('100 %');
    expect(await done.getByTestId('batch-finished').textContent()).toBe(`finished ${utcMinute(now - 3_600)}`);
    expect(await done.getByRole('button', { name: 'Cancel' }).count()).toBe(0);
    expect(await page.getByTestId('batches-active').textContent()).toBe('1');
    expect(await page.getByTestId('batches-lines-left').textContent()).toBe('600');

    // The page follows the edges' writes by itself while a batch is active.
    await updateBatchRecord(bus, 'batch_running_evals', (record) => ({ ...record, requestCounts: { ...record.requestCounts, completed: 590 }, unitsDone: 600 }));
    await expect.poll(() => running.getByTestId('batch-progress').textContent(), { timeout: 15_000 }).toBe('600 / 1,000 · 10 failed');
    expect(await running.getByTestId('batch-percent').textContent()).toBe('60 %');
    await screenshot(page, 'batches');

    // A poll that fails keeps the rows on the page and says so; the next answer brings it back.
    await page.route('**/api/batches', (route) => route.fulfill({ status: 503, body: 'unavailable' }));
    await expect.poll(() => page.getByTestId('batches-live').textContent(), { timeout: 15_000 }).toBe('reconnecting…');
    expect(await rows.count()).toBe(2);
    expect(await running.getByTestId('batch-progress').textContent()).toBe('600 / 1,000 · 10 failed');
    await page.unroute('**/api/batches');
    await expect.poll(() => page.getByTestId('batches-live').textContent(), { timeout: 15_000 }).toBe('live · every 3 s');

    await running.getByRole('button', { name: 'Cancel' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.textContent()).toContain('No new line of this batch starts');
    await dialog.getByRole('button', { name: 'Cancel batch' }).click();
    // On this stack no edge runs the batch's lines, so nothing finishes it as cancelled.
    await expect.poll(() => running.getByTestId('batch-status').textContent(), { timeout: 10_000 }).toBe('cancelling');
    expect(await running.getByRole('button', { name: 'Cancel' }).count()).toBe(0);
    expect(await running.textContent()).toContain('cancel asked');
    expect(await page.getByTestId('batches-lines-left').textContent()).toBe('0');
    expect(await getBatchRecord(bus, 'batch_running_evals')).toMatchObject({ status: 'cancelling', stop: 'cancelled', requestCounts: { completed: 590, failed: 10 } });
    expect(await getBatchRecord(bus, 'batch_done_last_night')).toMatchObject({ status: 'completed', stop: null });
    await screenshot(page, 'batches-cancelling');
  });

  it("answers the page's poll only with a session", async () => {
    const response = await fetch(`${admin.url}/api/batches`);
    expect(response.status).toBe(401);
    const signedIn = await page.request.get(`${admin.url}/api/batches`);
    expect(signedIn.status()).toBe(200);
    expect(((await signedIn.json()) as { rows: { record: { id: string } }[] }).rows.map((row) => row.record.id)).toContain('batch_running_evals');
  });

  it('shows a viewer the batches without a cancel they could use', async () => {
    await createBatchRecord(bus, batchRecord('batch_viewer_sees', now - 60, { status: 'validating', model: null, inProgressAt: null }));
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const viewerPage = await context.newPage();
    await signIn(viewerPage, admin.url, VIEWER.email, VIEWER.password);
    await viewerPage.goto(`${admin.url}/batches`);
    const row = viewerPage.locator('[data-batch-id="batch_viewer_sees"]');
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
    expect(await row.getByTestId('batch-progress').textContent()).toBe('counting lines…');
    expect(await row.getByText('no auth').count()).toBe(1);
    expect(await row.getByRole('button', { name: 'Cancel' }).isDisabled()).toBe(true);
    await context.close();
  });

  it("shows each worker's batch lines apart from its interactive jobs, and the fleet's totals", async () => {
    // A worker as its heartbeats describe it: 5 jobs in flight, 2 of them batch lines.
    const beat = (workerId: string, inflight: number, batchInflight: number) =>
      bus.publish(bus.subjects.heartbeat(), Heartbeat, {
        v: PROTOCOL_VERSION,
        workerId,
        upstream: `http://${workerId}:11434`,
        models: [{ name: 'llama3.2:latest', loaded: true, capabilities: [] }],
        capacity: 8,
        maxInflight: 16,
        inflight,
        batchInflight,
        draining: false,
        upstreamHealthy: true,
        sentAt: Date.now(),
        intervalMs: 500,
      });
    const beating = setInterval(() => {
      beat('gpu-a', 5, 2);
      beat('gpu-b', 3, 3);
    }, 200);
    try {
      await page.goto(`${admin.url}/fleet`);
      const card = page.locator('[data-worker-id="gpu-a"]');
      await expect.poll(() => card.getByTestId('worker-batch').textContent(), { timeout: 10_000 }).toBe('2');
      expect(await card.getByTestId('worker-interactive').textContent()).toBe('3');
      expect(await page.locator('[data-worker-id="gpu-b"]').getByTestId('worker-interactive').textContent()).toBe('0');
      await expect.poll(() => page.getByTestId('fleet-batch').textContent(), { timeout: 10_000 }).toBe('5');
      expect(await page.getByTestId('fleet-interactive').textContent()).toBe('3');
      expect(await page.getByTestId('inflight-now').textContent()).toBe('8');
      expect(await page.getByTestId('fleet-capacity').textContent()).toBe('16');
      await screenshot(page, 'fleet-batch-split');
    } finally {
      clearInterval(beating);
    }
  });
});
