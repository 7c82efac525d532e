import { UsageError } from './arguments.ts';

/** The shortest password accepted (the same floor as the protocol's). */
export const MIN_PASSWORD_LENGTH = 12;
/** More than any passphrase; stops `--password-stdin < /dev/urandom` from reading forever. */
const MAX_INPUT_BYTES = 4096;

/**
 * The first line of `input` without its line ending, so `echo "$PW" | corral …` and a password
 * manager's pipe both work. Anything after the first line is ignored.
 */
export async function readPasswordLine(input: NodeJS.ReadableStream = process.stdin): Promise<string> {
  let text = '';
  for await (const chunk of input) {
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (text.includes('\n') || text.length > MAX_INPUT_BYTES) break;
  }
  const line = text.split('\n')[0]!.replace(/\r$/, '');
  if (line.length === 0) throw new UsageError('--password-stdin read no password (give it one line on standard input)');
  if (line.length < MIN_PASSWORD_LENGTH) throw new UsageError(`the password must be at least ${MIN_PASSWORD_LENGTH} characters`);
  return line;
}
