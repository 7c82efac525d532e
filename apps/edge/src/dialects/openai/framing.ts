import { FrameFormat, type StreamFraming } from '../../pipeline/stream-framing.ts';

/** Chat and completions: `data:` frames, ended by `data: [DONE]` (absent after a failure). */
export const OPENAI_DATA_STREAM: StreamFraming = { format: FrameFormat.SseData, terminator: '[DONE]' };

/** The Responses API: typed events; the terminal event (`response.completed`, `.failed`) ends it. */
export const OPENAI_EVENT_STREAM: StreamFraming = { format: FrameFormat.SseEvent };
