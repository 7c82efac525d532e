// Test support only: OpenAI's schema validator lives in the testkit (a dev dependency).
import { validateAgainstOpenAPI } from '@corral/testkit/testing';

/** Throws with the schema errors when `value` does not match OpenAI's schema `schemaName`. */
export function assertOpenAPI(schemaName: string, value: unknown): void {
  const result = validateAgainstOpenAPI(schemaName, value);
  if (!result.valid) {
    throw new Error(`${schemaName} rejected ${JSON.stringify(value)}:\n${result.errors.join('\n')}`);
  }
}
