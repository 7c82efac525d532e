#!/usr/bin/env node
// `pnpm corral …` runs this file through the bin link pnpm makes for the root package. Unlike a
// package script, a bin prints no "> corral@ …" banner, so what reaches stdout is the CLI's own
// output alone (`pnpm corral keys create` ends with the key, ready for `$(…)`).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
