import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The parts of a V8 .cpuprofile (as written by `node --cpu-prof`) this analysis reads. */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface Hotspot {
  name: string;
  /** Self time in ms. */
  selfMs: number;
  /** Share of the busy (non-idle) time, 0..100. */
  percent: number;
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  idleMs: number;
  busyMs: number;
  functions: Hotspot[];
  /** Self time grouped by where the code lives: an npm package, a Node built-in, one of our files. */
  places: Hotspot[];
}

const SPECIAL = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

/** Where a frame's code lives: `fastify`, `node:internal/…`, `apps/edge/src/…`, or a V8 bucket. */
export function placeOf(url: string, functionName: string, repoRoot: string): string {
  if (SPECIAL.has(functionName) && url === '') return functionName;
  if (url === '') return '(native)';
  if (url.startsWith('wasm://')) return '(wasm: llhttp)';
  if (url.startsWith('node:')) return url.replace(/^node:internal\//, 'node:').split('/').slice(0, 2).join('/');
  const file = url.startsWith('file://') ? decodeURIComponent(url.slice('file://'.length)) : url;
  const store = /node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file) ?? /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  if (store?.[1]) return store[1];
  return path.relative(repoRoot, file) || file;
}

function frameName(node: ProfileNode, repoRoot: string): string {
  const { functionName, url, lineNumber } = node.callFrame;
  if (url === '') return functionName || '(anonymous)';
  return `${functionName || '(anonymous)'} ${placeOf(url, functionName, repoRoot)}:${lineNumber + 1}`;
}

function top(totals: Map<string, number>, busyMs: number, limit: number): Hotspot[] {
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name, selfMs]) => ({ name, selfMs: Math.round(selfMs * 10) / 10, percent: busyMs > 0 ? Math.round((selfMs / busyMs) * 1000) / 10 : 0 }));
}

/** A span of the monotonic clock in µs (process.hrtime.bigint() / 1000n is the clock V8 stamps samples with). */
export interface ProfileWindow {
  fromUs: number;
  toUs: number;
}

/**
 * Self time per function and per place, from the samples and their time deltas; with a window,
 * only the samples inside it count (e.g. to leave out the start-up: module loading and compiling).
 */
export function summarizeProfile(profile: CpuProfile, file: string, repoRoot: string, limit = 25, window?: ProfileWindow): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfById = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // timeDeltas[i] is the time before sample i; sample i lasts until the next one.
  let timestamp = profile.startTime;
  for (let index = 0; index < samples.length; index++) {
    const id = samples[index]!;
    timestamp += deltas[index] ?? 0;
    if (window && (timestamp < window.fromUs || timestamp > window.toUs)) continue;
    const delta = (deltas[index + 1] ?? 0) / 1000;
    selfById.set(id, (selfById.get(id) ?? 0) + delta);
  }
  const functions = new Map<string, number>();
  const places = new Map<string, number>();
  let totalMs = 0;
  let idleMs = 0;
  for (const [id, selfMs] of selfById) {
    const node = byId.get(id);
    if (!node) continue;
    totalMs += selfMs;
    if (node.callFrame.functionName === '(idle)') {
      idleMs += selfMs;
      continue;
    }
    const name = frameName(node, repoRoot);
    functions.set(name, (functions.get(name) ?? 0) + selfMs);
    const place = placeOf(node.callFrame.url, node.callFrame.functionName, repoRoot);
    places.set(place, (places.get(place) ?? 0) + selfMs);
  }
  const busyMs = totalMs - idleMs;
  return {
    file,
    totalMs: Math.round(totalMs),
    idleMs: Math.round(idleMs),
    busyMs: Math.round(busyMs),
    functions: top(functions, busyMs, limit),
    places: top(places, busyMs, limit),
  };
}

export function readProfile(file: string): CpuProfile {
  return JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
}

export function renderProfile(summary: ProfileSummary): string {
  const lines = [`${summary.file}: ${summary.busyMs} ms busy of ${summary.totalMs} ms sampled`, '  by place (self time, % of busy):'];
  for (const place of summary.places) lines.push(`    ${place.percent.toFixed(1).padStart(5)}%  ${place.selfMs.toFixed(0).padStart(7)} ms  ${place.name}`);
  lines.push('  top functions (self time, % of busy):');
  for (const hotspot of summary.functions) lines.push(`    ${hotspot.percent.toFixed(1).padStart(5)}%  ${hotspot.selfMs.toFixed(0).padStart(7)} ms  ${hotspot.name}`);
  return lines.join('\n');
}

/** Where a function's self time comes from: the call chains above it, heaviest first. */
export function callersOf(profile: CpuProfile, functionName: string, repoRoot: string, options: { window?: ProfileWindow; depth?: number; limit?: number } = {}): Hotspot[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const chains = new Map<string, number>();
  let total = 0;
  let timestamp = profile.startTime;
  for (let index = 0; index < samples.length; index++) {
    const id = samples[index]!;
    timestamp += deltas[index] ?? 0;
    if (options.window && (timestamp < options.window.fromUs || timestamp > options.window.toUs)) continue;
    const node = byId.get(id);
    if (node?.callFrame.functionName !== functionName) continue;
    const selfMs = (deltas[index + 1] ?? 0) / 1000;
    const frames: string[] = [];
    for (let at = parent.get(id); at !== undefined && frames.length < (options.depth ?? 8); at = parent.get(at)) {
      const caller = byId.get(at);
      if (!caller || caller.callFrame.functionName === '(root)') break;
      frames.push(frameName(caller, repoRoot));
    }
    const chain = frames.join(' ← ') || '(no caller)';
    chains.set(chain, (chains.get(chain) ?? 0) + selfMs);
    total += selfMs;
  }
  return top(chains, total, options.limit ?? 8);
}
