/** A problem the person running `pnpm start` has to fix; its message says how. */
export class LauncherError extends Error {
  override readonly name = 'LauncherError';
}
