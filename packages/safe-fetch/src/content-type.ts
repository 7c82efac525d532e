import { SafeFetchError } from './errors.ts';

/** The media type of a Content-Type header if it is one of the allowed ones (`type/*` entries match a whole family). */
export function acceptedContentType(header: string | undefined, allowed: string[]): string {
  const mediaType = (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (mediaType === '') throw new SafeFetchError('bad_content_type', 'response has no Content-Type');
  const family = `${mediaType.split('/')[0] ?? ''}/*`;
  if (allowed.includes(mediaType) || allowed.includes(family)) return mediaType;
  throw new SafeFetchError('bad_content_type', `Content-Type ${mediaType} is not one of ${allowed.join(', ')}`);
}
