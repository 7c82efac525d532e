/** Who was on the CPU when: `perf script` samples, and their share over stretches of time. */

export interface Samples {
  /** Sample times (ms), ascending. */
  at: number[];
  /** What each sample found on a CPU: a kind of Corral process, `idle`, `postgres` or `other:<comm>`. */
  kind: string[];
}

/** perf script lines: `comm pid/tid [cpu] seconds:` (comm may hold spaces; the fields after it do not). */
export function parsePerfScript(text: string, pids: ReadonlyMap<number, string>): Samples {
  const rows: Array<{ at: number; kind: string }> = [];
  for (const line of text.split('\n')) {
    const match = /^\s*(.+?)\s+(\d+)\/\d+\s+\[\d+\]\s+([\d.]+):/.exec(line);
    if (!match) continue;
    const [, comm, pidText, seconds] = match;
    const pid = Number(pidText);
    const kind = pid === 0 ? 'idle' : (pids.get(pid) ?? (comm!.startsWith('postgres') ? 'postgres' : `other:${comm}`));
    rows.push({ at: Number(seconds) * 1000, kind });
  }
  rows.sort((a, b) => a.at - b.at);
  return { at: rows.map((row) => row.at), kind: rows.map((row) => row.kind) };
}

function firstAtOrAfter(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (sorted[middle]! < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Samples per ms of each kind over the streams' waits for a first token (at ~1 kHz per CPU, 1.0 is one core). */
export function coresDuring(samples: Samples, streams: ReadonlyArray<readonly [number, number, number]>): Array<[string, number]> {
  const counts = new Map<string, number>();
  let waited = 0;
  for (const [sentAt, firstAt] of streams) {
    waited += firstAt - sentAt;
    for (let index = firstAtOrAfter(samples.at, sentAt); index < samples.at.length && samples.at[index]! <= firstAt; index++) {
      const kind = samples.kind[index]!;
      counts.set(kind, (counts.get(kind) ?? 0) + 1);
    }
  }
  return [...counts].map(([kind, count]): [string, number] => [kind, waited > 0 ? count / waited : 0]).sort((a, b) => b[1] - a[1]);
}
