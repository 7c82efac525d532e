import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AccountingReply, replyError, replyOk } from './envelope.ts';
import { KeyCreateRequest, KeyInfo } from './keys.ts';
import { aliasFromModelConfigKey, modelConfigKey } from './kv-records.ts';
import { accountingOperations } from './operations.ts';
import { ResponseDeleteRequest, ResponseGetRequest, ResponseId, ResponsePutRequest } from './responses.ts';
import { UsageEvent } from './usage.ts';

const KV_KEY = /^[-/_=.a-zA-Z0-9]+$/;

describe('modelConfigKey', () => {
  it.each(['llama3.2:latest', 'hf.co/org/Model-7B:Q4_K_M', 'plain', 'a=b', 'émoji🦙', '..', 'x y'])('%j is a valid KV key and round-trips', (alias) => {
    const key = modelConfigKey(alias);
    expect(key).toMatch(KV_KEY);
    expect(key).not.toContain('.');
    expect(aliasFromModelConfigKey(key)).toBe(alias);
  });

  it('keeps plain aliases readable', () => {
    expect(modelConfigKey('qwen3-8b_fast')).toBe('qwen3-8b_fast');
    expect(modelConfigKey('llama3.2:latest')).toBe('llama3=2E2=3Alatest');
  });
});

describe('accounting reply envelope', () => {
  const schema = AccountingReply(z.object({ n: z.number() }));

  it('parses results and errors', () => {
    expect(schema.parse(replyOk({ n: 1 }))).toEqual({ v: 1, ok: true, result: { n: 1 } });
    const error = schema.parse(replyError('not_found', 'no such key'));
    expect(error.ok).toBe(false);
    if (!error.ok) expect(error.error).toEqual({ code: 'not_found', message: 'no such key', retryable: false });
  });

  it('rejects a result of the wrong shape and a missing version', () => {
    expect(schema.safeParse(replyOk({ n: 'one' })).success).toBe(false);
    expect(schema.safeParse({ ok: true, result: { n: 1 } }).success).toBe(false);
  });
});

describe('accounting payloads', () => {
  it('requires a version and a name to create a key', () => {
    expect(KeyCreateRequest.safeParse({ name: 'x' }).success).toBe(false);
    expect(KeyCreateRequest.safeParse({ v: 1 }).success).toBe(false);
    expect(KeyCreateRequest.parse({ v: 1, name: 'ci', models: ['a'], rpm: 5, expiresAt: '2030-01-01T00:00:00Z' }).rpm).toBe(5);
  });

  it('has no field that could carry a secret in KeyInfo', () => {
    expect(Object.keys(KeyInfo.shape)).not.toContain('hash');
    expect(Object.keys(KeyInfo.shape)).not.toContain('plaintext');
  });

  it('covers every accounting operation', () => {
    expect(Object.keys(accountingOperations).sort()).toEqual(
      [
        'admin.login',
        'admin.logout',
        'admin.session.resolve',
        'admin.users.create',
        'admin.users.list',
        'admin.users.setPassword',
        'keys.create',
        'keys.list',
        'keys.revoke',
        'keys.update',
        'models.delete',
        'models.list',
        'models.set',
        'responses.delete',
        'responses.get',
        'responses.put',
        'teams.create',
        'teams.delete',
        'teams.list',
        'teams.update',
        'usage.summary',
      ],
    );
  });

  it('accepts a usage event and rejects a request id that cannot be a subject token', () => {
    const event = {
      v: 1,
      requestId: 'req_1',
      keyId: null,
      alias: 'fast',
      model: 'llama3.2:latest',
      endpoint: '/v1/chat/completions',
      stream: true,
      status: 'ok',
      httpStatus: 200,
      promptTokens: 10,
      completionTokens: 20,
      durationMs: 123,
      startedAt: '2025-01-01T00:00:00.000Z',
      finishedAt: '2025-01-01T00:00:00.123Z',
    };
    expect(UsageEvent.parse(event).requestId).toBe('req_1');
    expect(UsageEvent.safeParse({ ...event, requestId: 'a.b' }).success).toBe(false);
    expect(UsageEvent.safeParse({ ...event, status: 'weird' }).success).toBe(false);
  });

  it('stores input items when given and still takes a response put without them (older edges)', () => {
    const put = { v: 1, id: 'resp_1', keyId: null, model: 'm', messages: [], output: {}, createdAt: '2025-01-01T00:00:00.000Z' };
    expect(ResponsePutRequest.parse(put).inputItems).toBeUndefined();
    const items = [{ id: 'msg_1', type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] }];
    expect(ResponsePutRequest.parse({ ...put, inputItems: items }).inputItems).toEqual(items);
    expect(ResponsePutRequest.safeParse({ ...put, inputItems: 'hi' }).success).toBe(false);
  });

  it('deletes a response by id for one owner (a key id or null)', () => {
    expect(ResponseDeleteRequest.parse({ v: 1, id: 'resp_1', keyId: null })).toEqual({ v: 1, id: 'resp_1', keyId: null });
    expect(ResponseDeleteRequest.safeParse({ v: 1, id: 'resp_1' }).success).toBe(false);
    expect(ResponseDeleteRequest.safeParse({ v: 1, id: '', keyId: null }).success).toBe(false);
  });

  it('refuses response ids that can never name a stored response, on every operation', () => {
    expect(ResponseId.parse('resp_0123456789abcdefABCDEFxy')).toBe('resp_0123456789abcdefABCDEFxy');
    for (const id of ['a\u0000b', 'resp_\n', 'resp_\u007f', 'resp x', 'resp_é', 'r'.repeat(129), '']) {
      expect(ResponseId.safeParse(id).success, JSON.stringify(id)).toBe(false);
      expect(ResponseGetRequest.safeParse({ v: 1, id, keyId: null }).success).toBe(false);
      expect(ResponseDeleteRequest.safeParse({ v: 1, id, keyId: null }).success).toBe(false);
      expect(ResponsePutRequest.safeParse({ v: 1, id, keyId: null, model: 'm', messages: [], output: {}, createdAt: '2025-01-01T00:00:00.000Z' }).success).toBe(false);
    }
  });
});
