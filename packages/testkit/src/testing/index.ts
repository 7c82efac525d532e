export { TEST_STORAGE_LIMITS, testStorageEnv } from './storage-limits.ts';
export { validateAgainstOpenAPI, validateAgainstOpenAPIVariant, openAPIVariantName, hasOpenAPISchema, type OpenAPIValidation } from '../openapi/validator.ts';
export { post, postJson, ndjsonLines, sseData, streamLines, eventually, type RawResponse } from './http.ts';
