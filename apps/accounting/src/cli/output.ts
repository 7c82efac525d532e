/** What a command produced: text for people, a value for `--json`. */
export interface CommandOutput {
  text: string;
  json: unknown;
}
