export { chatChunk, finalChatChunk, generateChunk, finalGenerateChunk, toolCall, logprob } from './native-chunks.ts';
export { assertOpenAPI } from './openapi.ts';
