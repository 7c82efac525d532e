import { describe, expect, it } from 'vitest';
import { toModel, toModelList } from './models.ts';
import { assertOpenAPI } from './testing/index.ts';

describe('models', () => {
  it('lists models (A.3 #66) and an empty list as [] rather than null (A.3 #67, deliberate)', () => {
    const list = toModelList([{ id: 'test-model', created: 1686935002, ownedBy: 'library' }]);
    assertOpenAPI('ListModelsResponse', list);
    expect(list).toEqual({ object: 'list', data: [{ id: 'test-model', object: 'model', created: 1686935002, owned_by: 'library' }] });
    const empty = toModelList([]);
    assertOpenAPI('ListModelsResponse', empty);
    expect(empty).toEqual({ object: 'list', data: [] });
  });

  it('retrieves one model (A.3 #68)', () => {
    const model = toModel({ id: 'namespace/exposed-model:latest', created: 1234567890, ownedBy: 'namespace' });
    assertOpenAPI('Model', model);
    expect(model).toEqual({ id: 'namespace/exposed-model:latest', object: 'model', created: 1234567890, owned_by: 'namespace' });
  });
});
