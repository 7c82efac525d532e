import { OllamaError } from './errors.ts';

const alphabet = /[A-Za-z0-9+/]/;

/**
 * Validates standard padded base64 like Go's encoding/base64 (what `[]byte` JSON fields use) and
 * throws Go's `illegal base64 data at input byte N` on the first problem.
 */
export function assertBase64(text: string): void {
  const corrupt = (offset: number): OllamaError => new OllamaError(400, `illegal base64 data at input byte ${offset}`);
  let quantum = 0;
  let quantumStart = 0;
  let padding = 0;
  for (let index = 0; index < text.length; index++) {
    const character = text[index] as string;
    if (character === '\r' || character === '\n') continue;
    if (padding > 0) {
      if (character !== '=' || quantum + padding >= 4) throw corrupt(index);
      padding++;
      continue;
    }
    if (character === '=') {
      if (quantum < 2) throw corrupt(index);
      padding = 1;
      continue;
    }
    if (!alphabet.test(character)) throw corrupt(index);
    if (quantum === 0) quantumStart = index;
    quantum = (quantum + 1) % 4;
  }
  if (padding > 0 && quantum + padding !== 4) throw corrupt(text.length);
  if (padding === 0 && quantum !== 0) throw corrupt(quantumStart);
}
