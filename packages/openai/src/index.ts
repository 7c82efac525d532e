export {
  OpenAIErrorType,
  renderOpenAIError,
  invalidRequest,
  unsupportedParameter,
  unsupportedValue,
  missingParameter,
  invalidValue,
  invalidApiKey,
  missingApiKey,
  permissionDenied,
  modelNotFound,
  notFound,
  rateLimited,
  quotaExceeded,
  requestTooLarge,
  serverError,
  badGateway,
  serverBusy,
  timedOut,
  isOpenAIError,
  ok,
  failure,
} from './errors.ts';
export type { OpenAIError, OpenAIErrorBody, Result } from './errors.ts';
export { openAIErrorFromNative, nativeErrorMessage } from './native-error.ts';
export { openAIErrorFromZod, formatParameterPath } from './zod-error.ts';
export { createId, IdPrefix } from './ids.ts';
export { toModel, toModelList } from './models.ts';
export type { ModelEntry, OpenAIModel, OpenAIModelList } from './models.ts';
export { FinishReason, finishReasonFromNative, completionFinishReasonFromNative } from './finish-reason.ts';
export { usageFromNative, combineChoiceUsage, sumUsage } from './usage.ts';
export type { CompletionUsage } from './usage.ts';
export { chatLogprobsFromNative } from './logprobs.ts';
export type { ChatCompletionTokenLogprob, ChatTokenLogprob, CompletionLogprobs } from './logprobs.ts';
export type { NativeContext } from './shared/context.ts';
// The overrides are Ollama's; they are re-exported here for callers that only know this package.
export type { ModelOverrides } from '@corral/ollama';
export { ToolMode } from './shared/tools.ts';
export { ReasoningEffort, thinkFromEffort } from './shared/reasoning.ts';

export { chatRequestSchema, parseChatRequest } from './chat/request-schema.ts';
export type { ChatCompletionRequest, ChatMessageInput, ChatToolInput, ChatToolChoice } from './chat/request-schema.ts';
export { collectImageUrls } from './chat/messages.ts';
export { chatToNative } from './chat/to-canonical.ts';
export { nativeForChoice } from './shared/choices.ts';
export type { ChatNativeContext, ChatTranslation } from './chat/to-canonical.ts';
export { createChatStreamTranslator, chatUsageChunk, createChatCompletionId } from './chat/from-chunks.ts';
export type { ChatStreamIdentity, ChatStreamOptions, ChatStreamTranslator } from './chat/from-chunks.ts';
export { createChatCompletionAggregator, aggregateChatCompletion } from './chat/aggregate.ts';
export type { ChatAggregateOptions, ChatCompletionAggregator } from './chat/aggregate.ts';
export type {
  ChatCompletion,
  ChatCompletionChoice,
  ChatCompletionChunk,
  ChatCompletionChunkChoice,
  ChatCompletionDelta,
  ChatCompletionLogprobs,
  ChatCompletionMessage,
  ChatCompletionToolCall,
  ChatCompletionToolCallDelta,
} from './chat/wire-types.ts';

export { completionRequestSchema, parseCompletionRequest } from './completions/request-schema.ts';
export type { CompletionRequest } from './completions/request-schema.ts';
export { completionsToNative } from './completions/to-canonical.ts';
export type { CompletionJob, CompletionsTranslation } from './completions/to-canonical.ts';
export {
  createCompletionStreamTranslator,
  combineCompletionUsage,
  completionUsageChunk,
  createCompletionId,
} from './completions/from-chunks.ts';
export type { CompletionStreamIdentity, CompletionStreamOptions, CompletionStreamTranslator, JobUsage } from './completions/from-chunks.ts';
export { createCompletionAggregator, aggregateCompletion } from './completions/aggregate.ts';
export type { CompletionAggregateOptions, CompletionAggregator } from './completions/aggregate.ts';
export type { Completion, CompletionChoice } from './completions/wire-types.ts';

export { embeddingsRequestSchema, parseEmbeddingsRequest, EncodingFormat, MAX_EMBEDDING_INPUTS } from './embeddings/request-schema.ts';
export type { EmbeddingsRequest } from './embeddings/request-schema.ts';
export { embeddingsToNative, embeddingsJob, splitEmbeddingInputs } from './embeddings/to-canonical.ts';
export type { EmbeddingsTranslation } from './embeddings/to-canonical.ts';
export { buildEmbeddingsResponse, encodeEmbeddingBase64 } from './embeddings/response.ts';
export type { EmbeddingObject, EmbeddingsResponse, EmbeddingsResponseInput } from './embeddings/response.ts';

export { responsesRequestSchema, parseResponsesRequest, ResponseInclude } from './responses/request-schema.ts';
export type { ResponsesRequest, ResponseInputItem, ResponsesToolChoice, ResponsesFunctionTool } from './responses/request-schema.ts';
export { collectResponsesImageUrls, responseItemsToNative } from './responses/input.ts';
export { responsesToNative } from './responses/to-canonical.ts';
export type { ResponsesNativeContext, ResponsesTranslation } from './responses/to-canonical.ts';
export { createResponsesStreamTranslator, createResponseId } from './responses/stream.ts';
export type { ResponsesStreamOptions, ResponsesStreamTranslator } from './responses/stream.ts';
export { aggregateResponse } from './responses/aggregate.ts';
export { conversationAfter } from './responses/conversation.ts';
export { responseInputItems, parseInputItemsQuery, listInputItems, InputItemsOrder } from './responses/input-items.ts';
export type {
  InputItemsQuery,
  ResponseItemList,
  ResponseItemResource,
  InputMessageResource,
  AssistantMessageResource,
  FunctionCallResource,
  FunctionCallOutputResource,
  ReasoningResource,
  InputContentPart,
} from './responses/input-items.ts';
export type {
  FunctionCallOutputItem,
  OutputMessageItem,
  OutputTextPart,
  ReasoningOutputItem,
  ResponseFunctionTool,
  ResponseObject,
  ResponseOutputItem,
  ResponseSettings,
  ResponseStatus,
  ResponseStreamEvent,
  ResponseTextFormat,
  ResponseToolChoice,
  ResponseUsage,
  SummaryTextPart,
} from './responses/wire-types.ts';
export {
  FilePurpose,
  FILE_LIMITS,
  createFileId,
  toOpenAIFile,
  deletedFile,
  fileNotFound,
  parsePurpose,
  maxBytesFor,
  fileTooLarge,
  checkFileForPurpose,
  checkUploadField,
  type OpenAIFile,
  type FileRecord,
} from './files/file-object.ts';
export { parseFileListQuery, listFilePage, type FileListQuery, type FileList } from './files/list-query.ts';
export { validateBatchInput, BatchInputErrorCode, BATCH_ENDPOINTS, BATCH_INPUT_LIMITS, type BatchError, type BatchEndpoint, type BatchInputOptions, type BatchInputValidation } from './batches/validate-input.ts';
export { jsonlLines } from './batches/input-lines.ts';
export { parseCreateBatchRequest, COMPLETION_WINDOW, METADATA_LIMITS, type CreateBatch } from './batches/batch-request.ts';
export { toOpenAIBatch, createBatchId, batchNotFound, type OpenAIBatch, type OpenAIBatchError } from './batches/batch-object.ts';
export { parseBatchListQuery, listBatchPage, BATCH_LIST_LIMITS, type BatchListQuery, type BatchList } from './batches/list-query.ts';
export {
  batchLineIds,
  responseLine,
  errorLine,
  BatchLineError,
  type BatchLineIds,
  type BatchOutputLine,
  type ResponseLineInput,
  type ErrorLineInput,
} from './batches/output-line.ts';
