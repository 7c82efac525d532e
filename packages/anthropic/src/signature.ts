import { createHmac, timingSafeEqual } from 'node:crypto';

/** Version tag of the signature format, so a later format can be told apart from this one. */
const VERSION = 'c1';

/**
 * Signs and verifies thinking blocks. Anthropic returns each thinking block with a signature and
 * requires it back unchanged; here the signature is an HMAC-SHA256 of the thinking text, so a
 * block sent back is known to be one this server (or another edge with the same key) wrote, and
 * its text reaches the model as the assistant's own reasoning.
 */
export interface ThinkingSigner {
  sign(thinking: string): string;
  verify(thinking: string, signature: string): boolean;
}

export function createThinkingSigner(key: string | Uint8Array): ThinkingSigner {
  const mac = (thinking: string) => createHmac('sha256', key).update(VERSION).update('\0').update(thinking, 'utf8').digest();
  return {
    sign: (thinking) => `${VERSION}.${mac(thinking).toString('base64')}`,
    verify(thinking, signature) {
      const [version, encoded] = signature.split('.', 2);
      if (version !== VERSION || encoded === undefined) return false;
      const presented = Buffer.from(encoded, 'base64');
      const expected = mac(thinking);
      return presented.length === expected.length && timingSafeEqual(presented, expected);
    },
  };
}
