import type { BatchRequestCounts } from '@corral/protocol';
import { formatCount } from './table.ts';

/** Cells of the bar between the brackets: wide enough to move visibly, narrow enough for an 80-column terminal. */
const BAR_WIDTH = 20;

/** Lines with results (completed or failed) out of the total, as a whole percent rounded down (100 % means every line is in). */
export function donePercent(counts: BatchRequestCounts): number {
  if (counts.total === 0) return 0;
  return Math.min(100, Math.floor(((counts.completed + counts.failed) * 100) / counts.total));
}

/** `3,512/50,000  7%`: the done count is padded to the total's width, so a redrawn line does not shift. */
export function formatProgress(counts: BatchRequestCounts): string {
  const total = formatCount(counts.total);
  const done = formatCount(counts.completed + counts.failed).padStart(total.length);
  return `${done}/${total}  ${String(donePercent(counts)).padStart(3)}%`;
}

/**
 * One line of a batch's progress: `[#######-------------]  3,512/50,000  17%  in_progress`, with
 * `(12 failed)` after it when lines failed. Pure, so the live view and the non-TTY log print the same.
 */
export function renderProgressBar(counts: BatchRequestCounts, status: string, width: number = BAR_WIDTH): string {
  const done = counts.total === 0 ? 0 : Math.min(width, Math.floor(((counts.completed + counts.failed) * width) / counts.total));
  const bar = `[${'#'.repeat(done)}${'-'.repeat(width - done)}]`;
  const failed = counts.failed > 0 ? `  (${formatCount(counts.failed)} failed)` : '';
  return `${bar}  ${formatProgress(counts)}  ${status}${failed}`;
}

/** Erases from the cursor to the end of the line (a shorter redraw leaves no tail of the longer one). */
const CLEAR_TO_END = '\u001b[K';

export interface ProgressSink {
  /** Shows the line unless it is the one shown last. */
  show(line: string): void;
  /** Ends the live line, so what follows starts on a line of its own. */
  finish(): void;
}

/**
 * Where progress lines go: on a terminal one line redrawn in place (carriage return, then the new
 * text); elsewhere (a pipe, a log file) one line per change, which reads well in a CI log.
 */
export function progressSink(write: (text: string) => void, terminal: boolean): ProgressSink {
  let last: string | undefined;
  return {
    show(line) {
      if (line === last) return;
      last = line;
      write(terminal ? `\r${line}${CLEAR_TO_END}` : `${line}\n`);
    },
    finish() {
      if (terminal && last !== undefined) write('\n');
      last = undefined;
    },
  };
}
