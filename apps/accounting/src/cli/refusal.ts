/** A command that understood its arguments but cannot act on them (an unknown batch id): exit code 1, like a refusal of accounting's. */
export class CommandRefusal extends Error {
  override name = 'CommandRefusal';
  constructor(
    readonly code: 'not_found' | 'invalid',
    message: string,
  ) {
    super(message);
  }
}
