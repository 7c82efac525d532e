export { startEmulator } from './emulator/emulator.ts';
export type { EmulatedModel, EmulatorOptions, CompletedRequest, Emulator } from './emulator/types.ts';
export { DEFAULT_MODELS } from './emulator/models.ts';
export {
  planChatReply,
  planGenerateReply,
  renderChatPrompt,
  renderGeneratePrompt,
  thinkingTokenCount,
  callsTools,
} from './emulator/generation.ts';
export type { ReplyPlan, ReplySettings } from './emulator/generation.ts';
export { VOCABULARY, THINKING_VOCABULARY } from './emulator/vocabulary.ts';
export {
  countTextTokens,
  countChatPromptTokens,
  countGeneratePromptTokens,
  countToolCallTokens,
  IMAGE_PROMPT_TOKENS,
  MESSAGE_OVERHEAD_TOKENS,
} from './emulator/tokens.ts';
export { emulatorOptionsFromEnv } from './emulator/env.ts';
export { OLLAMA_VERSION } from './emulator/model-info.ts';
export { startStack, uniquePrefix, natsUrl, type Stack, type StackOptions, type WorkerHandle } from './stack/stack.ts';
export { startNatsServer, findNatsServer, type NatsServer, type NatsServerOptions } from './stack/nats-server.ts';
export { startService, freePort, repoRoot, type ServiceProcess } from './stack/processes.ts';
