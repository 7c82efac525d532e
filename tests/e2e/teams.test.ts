import { callAccounting, connectBus, openKv, type Bus } from '@corral/bus';
import { dropDatabase } from '@corral/db';
import { testDatabaseUrl } from '@corral/db/testing';
import { startStack, type Stack } from '@corral/testkit';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Issue: teams in accounting — a team's model list, limits and monthly budget bound its keys, on the edge. */
describe('teams bound their keys on the edge', () => {
  let stack: Stack;
  let databaseUrl: string;
  let bus: Bus;

  beforeAll(async () => {
    databaseUrl = testDatabaseUrl('e2eteams');
    stack = await startStack({ workers: [{ emulator: { tokensPerReply: 4 } }], accounting: { databaseUrl } });
    bus = await connectBus({ servers: stack.env.NATS_URL!, name: 'teams-e2e', prefix: stack.prefix });
  });
  afterAll(async () => {
    await bus?.close();
    await stack?.close();
    if (databaseUrl) await dropDatabase(databaseUrl);
  });

  const client = (apiKey: string) => new OpenAI({ baseURL: `${stack.edgeUrl}/v1`, apiKey, maxRetries: 0 });
  const ask = (apiKey: string, model = 'llama3.2') => client(apiKey).chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });
  const refusal = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as { status: number; code: string; message: string; type?: string });

  async function waitUntil(probe: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await probe())) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** A key of `teamId`, returned once the edge accepts it (its key and team records arrived). */
  async function teamKey(name: string, teamId: string, extra: { models?: string[] } = {}): Promise<string> {
    const { plaintext } = await callAccounting(bus, 'keys.create', { name, teamId, ...extra });
    await waitUntil(async () => (await fetch(`${stack.edgeUrl}/v1/models`, { headers: { authorization: `Bearer ${plaintext}` } })).status === 200);
    return plaintext;
  }

  it('hides a model outside the team list exactly as one outside the key list: 404 on chat, absent from /v1/models', async () => {
    const team = await callAccounting(bus, 'teams.create', { name: 'llama-team', models: ['llama3.2'] });
    const key = await teamKey('team-bound', team.id);
    expect((await ask(key)).choices[0]!.message.content?.length).toBeGreaterThan(0);
    const hidden = await refusal(ask(key, 'qwen3'));
    expect(hidden).toMatchObject({ status: 404, code: 'model_not_found' });
    expect((await client(key).models.list()).data.map((model) => model.id)).toEqual(['llama3.2:latest']);
    expect(await refusal(client(key).models.retrieve('qwen3:latest'))).toMatchObject({ status: 404 });

    // The key's own list and the team's intersect: a key list of only qwen3 leaves nothing.
    const crossed = await callAccounting(bus, 'keys.create', { name: 'crossed', teamId: team.id, models: ['qwen3'] });
    await waitUntil(async () => (await fetch(`${stack.edgeUrl}/v1/models`, { headers: { authorization: `Bearer ${crossed.plaintext}` } })).status === 200);
    expect((await client(crossed.plaintext).models.list()).data).toEqual([]);
    expect(await refusal(ask(crossed.plaintext, 'qwen3'))).toMatchObject({ status: 404, code: 'model_not_found' });
    expect(await refusal(ask(crossed.plaintext, 'llama3.2'))).toMatchObject({ status: 404, code: 'model_not_found' });
  });

  it("refuses with 429 insufficient_quota once the team's monthly budget is spent, while another team's key still works", async () => {
    // A dollar per prompt token: one request spends the whole budget.
    await callAccounting(bus, 'models.set', { alias: 'pricey', target: 'llama3.2', inputPricePerMTok: 1_000_000 });
    const spender = await callAccounting(bus, 'teams.create', { name: 'spender', monthlyBudgetUsd: 1 });
    const other = await callAccounting(bus, 'teams.create', { name: 'other', monthlyBudgetUsd: 1000 });
    const spenderKey = await teamKey('spender-key', spender.id);
    const otherKey = await teamKey('other-key', other.id);
    await waitUntil(async () => (await client(spenderKey).models.list()).data.some((model) => model.id === 'pricey'));

    await ask(spenderKey, 'pricey');
    let refused: Awaited<ReturnType<typeof refusal>>;
    await waitUntil(async () => {
      refused = await refusal(ask(spenderKey));
      return refused !== undefined;
    });
    expect(refused!).toMatchObject({ status: 429, code: 'insufficient_quota' });
    expect(refused!.message).toContain("budget of the API key's team is spent");
    expect((await ask(otherKey)).choices[0]!.message.content?.length).toBeGreaterThan(0);
    const listed = await callAccounting(bus, 'teams.list', {});
    expect(listed.find((team) => team.id === spender.id)!.spentThisMonthUsd).toBeGreaterThanOrEqual(1);
  });

  it("shares the team's requests per minute between its keys, and leaves other teams alone", async () => {
    const team = await callAccounting(bus, 'teams.create', { name: 'slow-team', rpm: 2 });
    const first = await teamKey('rpm-a', team.id);
    const second = await teamKey('rpm-b', team.id);
    const outsider = await teamKey('rpm-outsider', (await callAccounting(bus, 'teams.create', { name: 'fast-team' })).id);
    await ask(first);
    await ask(second);
    const limited = await refusal(ask(first));
    expect(limited).toMatchObject({ status: 429, code: 'rate_limit_exceeded' });
    expect(limited!.message).toContain("this API key's team");
    expect(await refusal(ask(second))).toMatchObject({ status: 429 });
    expect((await ask(outsider)).choices[0]!.message.content?.length).toBeGreaterThan(0);
  });

  it("refuses a key whose team record is missing with a 403, not letting it through", async () => {
    const team = await callAccounting(bus, 'teams.create', { name: 'vanishing' });
    const key = await teamKey('orphan', team.id);
    await (await openKv(bus, 'teams')).delete(team.id);
    let refused: Awaited<ReturnType<typeof refusal>>;
    await waitUntil(async () => {
      refused = await refusal(ask(key));
      return refused !== undefined;
    });
    expect(refused!).toMatchObject({ status: 403, type: 'permission_error' });
    expect(refused!.message).toContain("the key's team is not known");
  });
});
