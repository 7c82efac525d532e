/** Why the server refused to act, whatever the UI showed. */
export const RefusalCode = {
  /** No session, or it expired or was revoked. */
  Unauthorized: 'unauthorized',
  /** Signed in, but the role may not change anything (viewer). */
  Forbidden: 'forbidden',
  /** The Origin header is missing or is not this app's. */
  CrossOrigin: 'cross_origin',
  /** What the change names is not there (e.g. a batch deleted meanwhile). */
  NotFound: 'not_found',
} as const;
export type RefusalCode = (typeof RefusalCode)[keyof typeof RefusalCode];

export class Refusal extends Error {
  constructor(
    readonly code: RefusalCode,
    message: string,
  ) {
    super(message);
    this.name = 'Refusal';
  }
}
