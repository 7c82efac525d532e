import { FrameFormat, type StreamFraming } from '../../pipeline/stream-framing.ts';

/** Ollama's streams: one JSON object per line, no terminator (the `done: true` chunk ends it). */
export const OLLAMA_NDJSON: StreamFraming = { format: FrameFormat.Ndjson };
