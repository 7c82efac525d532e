import { FrameFormat, type StreamFraming } from '../../pipeline/stream-framing.ts';

/** `event: <type>` + `data: <json>` frames; `message_stop` (or `error`) ends the stream, no [DONE]. */
export const ANTHROPIC_EVENT_STREAM: StreamFraming = { format: FrameFormat.SseEvent };
