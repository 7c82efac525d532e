/** What a server action answers; shared by the server wrapper and the forms that show it. */
export type MutationFailureCode = 'invalid' | 'unauthorized' | 'forbidden' | 'cross_origin' | 'internal' | (string & {});

export type MutationResult<T> =
  | { ok: true; value: T }
  | { ok: false; code: MutationFailureCode; message: string; fieldErrors?: Record<string, string> };
