export { API_KEY_PREFIX, apiKeyPrefix, generateApiKey, hashApiKey, looksLikeApiKey, type GeneratedApiKey } from './api-key.ts';
export { constantTimeEqual } from './constant-time.ts';
export { PASSWORD_HASH_PARAMETERS, generatePassword, hashPassword, passwordHashNeedsUpgrade, verifyPassword } from './password.ts';
export { generateSessionToken, hashSessionToken, type GeneratedSessionToken } from './session-token.ts';
