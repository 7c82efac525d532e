import { ErrorText, OllamaError } from './errors.ts';

/** Go's quoteChar: `'"'` and `'\''` are special-cased, the rest is strconv.Quote without the quotes. */
function describe(character: string): string {
  if (character === '"') return '"';
  if (character === "'") return "\\'";
  return JSON.stringify(character).slice(1, -1);
}

/** Turns V8's JSON.parse message into the text Go's decoder would have produced. */
function goSyntaxMessage(text: string, error: Error): string {
  const position = /position (\d+)/.exec(error.message)?.[1];
  const at = position === undefined ? undefined : Number(position);
  const unexpectedToken = /Unexpected token '(.)'/.exec(error.message)?.[1];
  const character = unexpectedToken ?? (at === undefined ? undefined : text[at]);
  if (/end of JSON input|Unterminated string/.test(error.message) || character === undefined) return 'unexpected EOF';
  const quoted = `'${describe(character)}'`;
  if (/Bad control character/.test(error.message)) return `invalid character ${quoted} in string literal`;
  if (/Expected property name/.test(error.message)) return `invalid character ${quoted} looking for beginning of object key string`;
  if (/after property value/.test(error.message)) return `invalid character ${quoted} after object key:value pair`;
  if (/after array element/.test(error.message)) return `invalid character ${quoted} after array element`;
  if (/after property name/.test(error.message)) return `invalid character ${quoted} after object key`;
  return `invalid character ${quoted} looking for beginning of value`;
}

/**
 * Decodes a request body as gin's ShouldBindJSON does: empty → `missing request body`; only the first
 * JSON value counts (trailing bytes are ignored, as with json.Decoder); syntax errors → 400.
 */
export function parseJsonBody(text: string): unknown {
  if (text.trim().length === 0) throw new OllamaError(400, ErrorText.missingBody);
  try {
    return JSON.parse(text);
  } catch (error) {
    const trailing = /non-whitespace character after JSON at position (\d+)/.exec((error as Error).message);
    if (trailing?.[1] !== undefined) return parseJsonBody(text.slice(0, Number(trailing[1])));
    throw new OllamaError(400, goSyntaxMessage(text, error as Error));
  }
}
