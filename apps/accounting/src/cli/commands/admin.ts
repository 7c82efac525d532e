import { type Bus, callAccounting } from '@corral/bus';
import { generatePassword } from '@corral/keys';
import { AdminRole, type AdminUserInfo } from '@corral/protocol';
import { OptionReader, UsageError, type ParsedArguments } from '../arguments.ts';
import type { CommandOutput } from '../output.ts';
import { readPasswordLine } from '../password-input.ts';
import { formatTable } from '../table.ts';

const ONE_TIME_PASSWORD_ADVICE = 'A one-time password, shown once: keep it safe; `corral admin reset-password` issues a new one.';

function describeUser(user: AdminUserInfo): string[] {
  return [
    `id:          ${user.id}`,
    `email:       ${user.email}`,
    `role:        ${user.role}`,
    `last login:  ${user.lastLoginAt ?? 'never'}`,
    `status:      ${user.disabledAt ? 'disabled' : 'active'}`,
  ];
}

function requireEmail(options: OptionReader, usage: string): string {
  const email = options.string('email');
  if (!email) throw new UsageError(`usage: ${usage}`);
  return email;
}

/** A password from standard input, or a generated one that the output then shows once. */
async function choosePassword(fromStdin: boolean): Promise<{ password: string; generated: boolean }> {
  return fromStdin ? { password: await readPasswordLine(), generated: false } : { password: generatePassword(), generated: true };
}

/** The password alone on the last line, so scripts can take it with `tail -n 1`. */
function withPassword(lines: string[], password: string | undefined): string {
  return password ? [...lines, '', ONE_TIME_PASSWORD_ADVICE, password].join('\n') : lines.join('\n');
}

export async function adminCommand(bus: Bus, parsed: ParsedArguments): Promise<CommandOutput> {
  const options = new OptionReader(parsed);
  const action = parsed.positional[1];
  if (parsed.positional.length > 2) throw new UsageError(`unexpected argument: ${parsed.positional[2]}`);
  switch (action) {
    case 'create': {
      const email = requireEmail(options, 'corral admin create --email EMAIL [--role admin|viewer] [--password-stdin]');
      const roleText = options.string('role') ?? 'admin';
      const role = AdminRole.safeParse(roleText);
      if (!role.success) throw new UsageError(`--role must be admin or viewer, got ${JSON.stringify(roleText)}`);
      const fromStdin = options.flag('password-stdin');
      options.finish();
      const { password, generated } = await choosePassword(fromStdin);
      const user = await callAccounting(bus, 'admin.users.create', { email, role: role.data, password });
      return { text: withPassword(describeUser(user), generated ? password : undefined), json: generated ? { user, password } : { user } };
    }
    case 'reset-password': {
      const email = requireEmail(options, 'corral admin reset-password --email EMAIL [--password-stdin]');
      const fromStdin = options.flag('password-stdin');
      options.finish();
      const { password, generated } = await choosePassword(fromStdin);
      const result = await callAccounting(bus, 'admin.users.setPassword', { email, password });
      const lines = [...describeUser(result.user), `sessions ended: ${result.revokedSessions}`];
      return { text: withPassword(lines, generated ? password : undefined), json: generated ? { ...result, password } : result };
    }
    case 'list': {
      options.finish();
      const users = await callAccounting(bus, 'admin.users.list', {});
      const rows = users.map((user) => [user.id, user.email, user.role, user.lastLoginAt ?? 'never', user.disabledAt ? 'disabled' : 'active']);
      const text = users.length === 0 ? 'no admin users' : formatTable(['ID', 'EMAIL', 'ROLE', 'LAST LOGIN', 'STATUS'], rows);
      return { text, json: users };
    }
    default:
      throw new UsageError(`unknown admin command: ${action ?? '(none)'}; use create, list or reset-password`);
  }
}
