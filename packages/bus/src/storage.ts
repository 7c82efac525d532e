import { JetStreamApiError } from '@nats-io/jetstream';

/*
 * A stream with a byte cap (`max_bytes` > 0) reserves that much of the server's JetStream file
 * storage up front; a stream without one (-1) reserves nothing and grows until its other limits
 * (age, TTL) or the server's storage stop it. Once the reservations of every stream on the server
 * add up to its `max_file_store`, creating or growing a capped stream fails with err_code 10047.
 */

/** JetStream's "insufficient storage resources available". */
export const STORAGE_RESOURCES_EXCEEDED = 10047;

/** `max_bytes` for a stream: the cap, or -1 (no cap, nothing reserved) for 0. */
export function streamMaxBytes(capBytes: number): number {
  return capBytes > 0 ? capBytes : -1;
}

export function isStorageExhausted(error: unknown): boolean {
  return error instanceof JetStreamApiError && error.code === STORAGE_RESOURCES_EXCEEDED;
}

export interface StorageReservation {
  /** What asks for the room, e.g. "the usage stream corral_usage". */
  what: string;
  /** The setting that chose the cap. */
  setting: string;
  capBytes: number;
}

/** A stream's byte cap is more than the JetStream server has left to reserve. */
export class StorageReservationError extends Error {
  readonly setting: string;
  readonly capBytes: number;

  constructor(reservation: StorageReservation, options?: { cause?: unknown }) {
    super(
      `JetStream has no room to reserve ${formatBytes(reservation.capBytes)} for ${reservation.what} (${reservation.setting}): ` +
        "the JetStream file storage of the server (or of the account) is already reserved by other streams (error 10047). " +
        `Lower ${reservation.setting} (0 reserves nothing), delete the streams of prefixes no longer in use ` +
        "(`nats stream ls`, `nats stream rm <name>`), or give JetStream more storage (max_file_store).",
      options,
    );
    this.name = 'StorageReservationError';
    this.setting = reservation.setting;
    this.capBytes = reservation.capBytes;
  }
}

/** Runs a stream creation or update, turning JetStream's 10047 into a StorageReservationError. */
export async function reserving<T>(reservation: StorageReservation, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (isStorageExhausted(error)) throw new StorageReservationError(reservation, { cause: error });
    throw error;
  }
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${bytes} bytes`;
}
