import { type Bus, callAccounting } from '@corral/bus';
import type { KeyInfo } from '@corral/protocol';
import { OptionReader, UsageError, parseDate, parseList, type ParsedArguments } from '../arguments.ts';
import type { CommandOutput } from '../output.ts';
import { formatMoney, formatTable } from '../table.ts';
import { resolveTeam } from './teams.ts';
import { definedOnly } from '../../changes.ts';

function keyStatus(key: KeyInfo, now = Date.now()): string {
  if (key.revokedAt) return 'revoked';
  if (key.expiresAt && Date.parse(key.expiresAt) <= now) return 'expired';
  if (key.budgetUsd !== null && key.spentUsd >= key.budgetUsd) return 'over budget';
  return 'active';
}

function describeKey(key: KeyInfo, teamName?: string): string[] {
  return [
    `id:       ${key.id}`,
    `name:     ${key.name}`,
    `prefix:   ${key.prefix}`,
    `models:   ${key.models.length === 0 ? 'all' : key.models.join(', ')}`,
    `rpm:      ${key.rpm ?? 'unlimited'}`,
    `tpm:      ${key.tpm ?? 'unlimited'}`,
    `budget:   ${key.budgetUsd === null ? 'none' : formatMoney(key.budgetUsd)} (spent ${formatMoney(key.spentUsd)})`,
    `expires:  ${key.expiresAt ?? 'never'}`,
    `team:     ${key.teamId === null ? 'none' : teamName ? `${teamName} (${key.teamId})` : key.teamId}`,
    `status:   ${keyStatus(key)}`,
  ];
}

function requireId(parsed: ParsedArguments, command: string): string {
  const id = parsed.positional[2];
  if (!id) throw new UsageError(`usage: corral keys ${command} ID`);
  if (parsed.positional.length > 3) throw new UsageError(`unexpected argument: ${parsed.positional[3]}`);
  return id;
}

/** Limits shared by create and update; `all` / `none` / `never` clear a setting on update. */
function readLimits(options: OptionReader, clearing: boolean) {
  const modelsText = options.string('models');
  const expiresText = options.string('expires');
  return {
    models: modelsText === undefined ? undefined : clearing && modelsText === 'all' ? [] : parseList(modelsText),
    rpm: clearing ? options.limit('rpm') : options.integer('rpm'),
    tpm: clearing ? options.limit('tpm') : options.integer('tpm'),
    budgetUsd: options.money('budget', clearing ? 'none' : undefined),
    expiresAt: expiresText === undefined ? undefined : clearing && expiresText === 'never' ? null : parseDate(expiresText, 'expires'),
  };
}

/** `--team ID|NAME` as a team id; on update `none` takes the key out of its team. */
async function resolveTeamOption(bus: Bus, reference: string | undefined, clearing: boolean): Promise<{ teamId?: string | null; teamName?: string }> {
  if (reference === undefined) return {};
  if (clearing && reference === 'none') return { teamId: null };
  const team = await resolveTeam(bus, reference);
  return { teamId: team.id, teamName: team.name };
}

export async function keysCommand(bus: Bus, parsed: ParsedArguments): Promise<CommandOutput> {
  const options = new OptionReader(parsed);
  const action = parsed.positional[1];
  switch (action) {
    case 'create': {
      const name = options.string('name');
      if (!name) throw new UsageError('usage: corral keys create --name NAME [--team ID|NAME] [--models a,b] [--rpm N] [--tpm N] [--budget USD] [--expires DATE]');
      const limits = readLimits(options, false);
      const teamReference = options.string('team');
      options.finish();
      const { teamId, teamName } = await resolveTeamOption(bus, teamReference, false);
      const created = await callAccounting(bus, 'keys.create', { name, ...definedOnly({ ...limits, teamId }) });
      // The key alone on the last line, so scripts can take it with `tail -n 1`.
      const text = [...describeKey(created.key, teamName), '', 'The key is shown once; store it now:', created.plaintext].join('\n');
      return { text, json: created };
    }
    case 'list': {
      const includeRevoked = !options.flag('active');
      options.finish();
      const [keys, teams] = await Promise.all([callAccounting(bus, 'keys.list', { includeRevoked }), callAccounting(bus, 'teams.list', {})]);
      const teamNames = new Map(teams.map((team) => [team.id, team.name]));
      const rows = keys.map((key) => [
        key.id,
        key.name,
        key.prefix,
        key.teamId === null ? '-' : (teamNames.get(key.teamId) ?? key.teamId),
        key.models.length === 0 ? 'all' : key.models.join(','),
        key.rpm === null ? '-' : String(key.rpm),
        key.tpm === null ? '-' : String(key.tpm),
        formatMoney(key.budgetUsd),
        formatMoney(key.spentUsd),
        key.expiresAt ? key.expiresAt.slice(0, 10) : '-',
        keyStatus(key),
      ]);
      const text = keys.length === 0 ? 'no keys' : formatTable(['ID', 'NAME', 'PREFIX', 'TEAM', 'MODELS', 'RPM', 'TPM', 'BUDGET', 'SPENT', 'EXPIRES', 'STATUS'], rows);
      return { text, json: keys };
    }
    case 'revoke': {
      const id = requireId(parsed, 'revoke');
      options.finish();
      const key = await callAccounting(bus, 'keys.revoke', { id });
      return { text: `revoked ${key.name} (${key.prefix}…) at ${key.revokedAt}`, json: key };
    }
    case 'update': {
      const id = requireId(parsed, 'update');
      const name = options.string('name');
      const limits = readLimits(options, true);
      const teamReference = options.string('team');
      options.finish();
      const { teamId, teamName } = await resolveTeamOption(bus, teamReference, true);
      const changes = definedOnly({ name, ...limits, teamId });
      if (Object.keys(changes).length === 0) throw new UsageError('nothing to update: give --name, --team, --models, --rpm, --tpm, --budget or --expires');
      const key = await callAccounting(bus, 'keys.update', { id, ...changes });
      return { text: describeKey(key, teamName).join('\n'), json: key };
    }
    default:
      throw new UsageError(`unknown keys command: ${action ?? '(none)'}; use create, list, update or revoke`);
  }
}
