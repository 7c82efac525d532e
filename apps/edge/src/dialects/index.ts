import { ErrorDialects } from '../errors/error-dialects.ts';
import { anthropicErrorBody } from './anthropic/errors.ts';
import { ollamaErrorBody } from './ollama/errors.ts';
import { openAIErrorBody } from './openai/errors.ts';

/**
 * Which dialect renders an error, by the path it happened on. A new dialect adds its prefix here
 * (Anthropic's `/v1/messages`, Ollama's `/api`); the longest prefix wins. OpenAI's is also the
 * fallback, for paths no dialect owns and connections refused before there is a path.
 */
export function errorDialects(): ErrorDialects {
  return new ErrorDialects({ '/v1': openAIErrorBody, '/v1/messages': anthropicErrorBody, '/api': (error) => ollamaErrorBody(error) }, openAIErrorBody);
}
