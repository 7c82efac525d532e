import { type Bus, type KvWatch, watchKv } from '@corral/bus';
import { BatchRecord, isTerminalBatchStatus } from '@corral/protocol';
import { CommandRefusal } from './refusal.ts';

/**
 * Follows one batch through the `batches` bucket (a KV watch, so every write the edges make is
 * seen, with no polling) until it reaches a terminal status. `onChange` hears the record as it is
 * when the watch starts and after every change; resolves with the final record.
 */
export function followBatch(bus: Bus, id: string, onChange: (record: BatchRecord) => void): Promise<BatchRecord> {
  return new Promise<BatchRecord>((resolve, reject) => {
    let watch: KvWatch | undefined;
    let settled = false;
    let seen = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      watch?.stop();
      outcome();
    };
    watchKv(bus, 'batches', BatchRecord, {
      onChange(key, record) {
        if (key !== id || settled) return;
        if (record === null) {
          settle(() => reject(new CommandRefusal('not_found', `batch ${id} was deleted`)));
          return;
        }
        seen = true;
        onChange(record);
        if (isTerminalBatchStatus(record.status)) settle(() => resolve(record));
      },
      onInvalid(key, error) {
        if (key !== id) return;
        settle(() => reject(new CommandRefusal('invalid', `batch ${id} has a record this CLI cannot read (${error instanceof Error ? error.message : String(error)})`)));
      },
      onReady() {
        if (!seen) settle(() => reject(new CommandRefusal('not_found', `no batch with id ${id}`)));
      },
    }).then(
      (started) => {
        watch = started;
        if (settled) started.stop();
      },
      (error: unknown) => settle(() => reject(error)),
    );
  });
}
