import { collectImageUrls, type CountTokensRequest } from '@corral/anthropic';
import type { EdgeContext } from '../../context.ts';
import { fetchImages, imagePolicy } from '../../pipeline/images.ts';

/** Ollama takes only inline image bytes: the request's `url` image sources, downloaded SSRF-safe (each once). */
export async function downloadImages(context: EdgeContext, request: Pick<CountTokensRequest, 'messages'>): Promise<Map<string, string>> {
  const located = collectImageUrls(request);
  if (located.length === 0) return new Map();
  const fields = new Map<string, string>();
  for (const { url, field } of located) if (!fields.has(url)) fields.set(url, field);
  return fetchImages(
    located.map(({ url }) => url),
    imagePolicy(context.config),
    (url) => fields.get(url) ?? 'messages',
  );
}
