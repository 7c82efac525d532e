import { z } from 'zod';
import { PROTOCOL_VERSION } from '../version.ts';

export const version = { v: z.literal(PROTOCOL_VERSION) };

/** ISO 8601 timestamps with an offset; dates travel as text so every payload stays plain JSON. */
export const Timestamp = z.iso.datetime({ offset: true });
export type Timestamp = z.infer<typeof Timestamp>;

export const Metadata = z.record(z.string(), z.unknown());
export type Metadata = z.infer<typeof Metadata>;

/** Model names as Ollama spells them: `llama3.2:latest`, `hf.co/org/model:Q4_K_M`. */
export const ModelName = z.string().min(1).max(256);

export const Money = z.number().nonnegative().finite();
