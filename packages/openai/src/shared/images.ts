/** Image references in OpenAI requests: data URLs are decoded here, http(s) URLs by the edge. */

/** '' is the blank `data:;base64,` form, which Ollama accepts and sniffs. */
const imageMediaTypes = new Set(['image/png', 'image/jpeg', 'image/jpg', 'image/webp', 'image/gif', '']);

const base64Pattern = /^[A-Za-z0-9+/]*={0,2}$/;

export type ImageReference =
  | { kind: 'data'; base64: string }
  | { kind: 'remote'; url: string }
  | { kind: 'invalid'; reason: string };

/** Standard base64 with padding; whitespace (line-wrapped payloads) is tolerated and removed. */
export function normalizeBase64(value: string): string | undefined {
  const compact = value.replace(/\s+/g, '');
  if (compact.length === 0 || compact.length % 4 !== 0 || !base64Pattern.test(compact)) return undefined;
  return compact;
}

export function classifyImageUrl(url: string): ImageReference {
  if (/^https?:\/\//i.test(url)) return { kind: 'remote', url };
  const match = /^data:([^;,]*)(?:;[^,]*)?,(.*)$/s.exec(url);
  if (match === null) return { kind: 'invalid', reason: 'must be an http(s) URL or a base64 data URL' };
  const mediaType = (match[1] ?? '').toLowerCase();
  const header = url.slice(0, url.indexOf(','));
  if (!/;base64$/i.test(header)) return { kind: 'invalid', reason: 'data URLs must be base64 encoded' };
  if (!imageMediaTypes.has(mediaType)) {
    return { kind: 'invalid', reason: `unsupported image type '${mediaType || '(none)'}': use png, jpeg, webp or gif` };
  }
  const base64 = normalizeBase64(match[2] ?? '');
  if (base64 === undefined) return { kind: 'invalid', reason: 'the data URL does not hold valid base64' };
  return { kind: 'data', base64 };
}
