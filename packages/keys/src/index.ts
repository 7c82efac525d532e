export { API_KEY_PREFIX, apiKeyPrefix, generateApiKey, hashApiKey, looksLikeApiKey, type GeneratedApiKey } from './api-key.ts';
export { constantTimeEqual } from './constant-time.ts';
