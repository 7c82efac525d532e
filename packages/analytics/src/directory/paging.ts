/** The admin lists' page: keyset-paged, so a page ends with a cursor naming its last row, never an OFFSET. */
export const PAGE_SIZE = 25;

/** For ILIKE: the person's text matched literally (no % or _ wildcards of theirs). */
export function likePattern(search: string): string {
  return `%${search.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

/** A list page: its rows and, when more follow, the cursor of the next page. */
export interface ListPage<Row> {
  rows: Row[];
  next?: string;
}
