import { AccountingCallError, type Bus, connectBus, WorkerCommandError } from '@corral/bus';
import { busSettings, parseEnv } from '@corral/config';
import { z } from 'zod';
import { UsageError, parseArguments } from './arguments.ts';
import { adminCommand } from './commands/admin.ts';
import { batchesCommand } from './commands/batches.ts';
import { keysCommand } from './commands/keys.ts';
import { modelsCommand } from './commands/models.ts';
import { teamsCommand } from './commands/teams.ts';
import { usageCommand } from './commands/usage.ts';
import { workersCommand } from './commands/workers.ts';
import type { CommandOutput } from './output.ts';
import { CommandRefusal } from './refusal.ts';

/** Exit codes: scripts can tell a typo from a refusal from an outage. */
const ExitCode = { Ok: 0, Refused: 1, Usage: 2, Unavailable: 3 } as const;

const HELP = `corral — manage teams, keys, model aliases, usage and batches (over NATS: accounting, and the batch records)

  corral teams create --name NAME [--models a,b] [--rpm N] [--tpm N] [--budget USD]   (budget per calendar month, UTC)
  corral teams list
  corral teams update ID|NAME [--name NAME] [--models a,b|all] [--rpm N|none] [--tpm N|none] [--budget USD|none]
  corral teams delete ID|NAME                                    (refused while the team owns keys not revoked)
  corral keys create --name NAME [--team ID|NAME] [--models a,b] [--rpm N] [--tpm N] [--budget USD] [--expires DATE]
  corral keys list [--active]
  corral keys update ID [--name NAME] [--team ID|NAME|none] [--models a,b|all] [--rpm N|none] [--tpm N|none] [--budget USD|none] [--expires DATE|never]
  corral keys revoke ID
  corral models alias ALIAS TARGET
  corral models override ALIAS [--num-ctx N] [--think low|medium|high|true|false] [--keep-alive 10m]
                               [--timeout-ms N] [--exclude-reasoning|--include-reasoning] [--hidden|--visible]
                               [--input-price USD] [--output-price USD] [--option key=value ...]
  corral models list
  corral models delete ALIAS
  corral usage summary [--by key,model,day,hour] [--from DATE] [--to DATE] [--key ID] [--model ALIAS]
  corral workers list                          (the live fleet, from about two heartbeats)
  corral workers cordon|uncordon|drain ID      (cordon: no new jobs; drain: finish jobs, then exit)
  corral batches list [--status S] [--key KEY_ID]   (newest first)
  corral batches show ID [--watch]             (--watch: live progress until the batch ends, then its final state)
  corral batches cancel ID                     (no new line starts; the lines running finish, their results are kept)
  corral admin create --email EMAIL [--role admin|viewer] [--password-stdin]
  corral admin reset-password --email EMAIL [--password-stdin]
  corral admin list

  admin create / reset-password print a generated one-time password, or read one line from stdin
  with --password-stdin (at least 12 characters); a reset also ends that user's sessions.
  batch statuses S: validating, in_progress, finalizing, completed, failed, expired, cancelling, cancelled;
  batches show --watch --json prints nothing until the batch ends, then its final record.
  --json prints machine-readable output. DATE: 2026-01-31, an ISO time, or 30d / 12h from now.
  Environment: NATS_URL (default nats://127.0.0.1:4222), CORRAL_PREFIX (default corral).`;

const CliEnvironment = z.object({ NATS_URL: busSettings.NATS_URL, CORRAL_PREFIX: busSettings.CORRAL_PREFIX });

async function run(argv: string[]): Promise<number> {
  const parsed = parseArguments(argv);
  const group = parsed.positional[0];
  if (!group || group === 'help' || parsed.flags.has('help')) {
    process.stdout.write(`${HELP}\n`);
    return group || parsed.flags.has('help') ? ExitCode.Ok : ExitCode.Usage;
  }
  const command = { teams: teamsCommand, keys: keysCommand, models: modelsCommand, usage: usageCommand, workers: workersCommand, batches: batchesCommand, admin: adminCommand }[group];
  if (!command) throw new UsageError(`unknown command: ${group}; try teams, keys, models, usage, workers, batches or admin (corral help)`);

  const environment = parseEnv(CliEnvironment, process.env);
  let bus: Bus;
  try {
    bus = await connectBus({ servers: environment.NATS_URL, name: 'corral-cli', prefix: environment.CORRAL_PREFIX });
  } catch (error) {
    throw new AccountingCallError('unavailable', `cannot reach NATS at ${environment.NATS_URL}: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    const output: CommandOutput = await command(bus, parsed);
    process.stdout.write(parsed.flags.has('json') ? `${JSON.stringify(output.json, null, 2)}\n` : `${output.text}\n`);
    return ExitCode.Ok;
  } finally {
    await bus.close();
  }
}

// `corral keys list | head` closes the pipe early; that is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

try {
  process.exitCode = await run(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError) {
    process.stderr.write(`error: ${error.message}\n`);
    process.exitCode = ExitCode.Usage;
  } else if (error instanceof AccountingCallError || error instanceof WorkerCommandError || error instanceof CommandRefusal) {
    process.stderr.write(`error: ${error.message}${error.code === 'unavailable' ? '' : ` (${error.code})`}\n`);
    process.exitCode = error.code === 'unavailable' ? ExitCode.Unavailable : ExitCode.Refused;
  } else {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = ExitCode.Refused;
  }
}
