import { AccountingCallError, type Bus, callAccounting } from '@corral/bus';
import type { TeamInfo } from '@corral/protocol';
import { OptionReader, UsageError, parseList, type ParsedArguments } from '../arguments.ts';
import type { CommandOutput } from '../output.ts';
import { formatMoney, formatTable } from '../table.ts';
import { definedOnly } from '../../changes.ts';

const LIMITS_USAGE = '[--models a,b] [--rpm N] [--tpm N] [--budget USD]';

function describeTeam(team: TeamInfo): string[] {
  return [
    `id:       ${team.id}`,
    `name:     ${team.name}`,
    `models:   ${team.models.length === 0 ? 'all' : team.models.join(', ')}`,
    `rpm:      ${team.rpm ?? 'unlimited'}`,
    `tpm:      ${team.tpm ?? 'unlimited'}`,
    `budget:   ${team.monthlyBudgetUsd === null ? 'none' : `${formatMoney(team.monthlyBudgetUsd)} a month`} (spent ${formatMoney(team.spentThisMonthUsd)} this month)`,
    `keys:     ${team.activeKeys}`,
  ];
}

/** A team named by its id or its name (ids first: a name cannot take another team's id over). */
export async function resolveTeam(bus: Bus, reference: string): Promise<TeamInfo> {
  const teams = await callAccounting(bus, 'teams.list', {});
  const team = teams.find((candidate) => candidate.id === reference) ?? teams.find((candidate) => candidate.name === reference);
  if (!team) throw new AccountingCallError('not_found', `no team with id or name ${JSON.stringify(reference)}`);
  return team;
}

function requireReference(parsed: ParsedArguments, command: string): string {
  const reference = parsed.positional[2];
  if (!reference) throw new UsageError(`usage: corral teams ${command} ID|NAME`);
  if (parsed.positional.length > 3) throw new UsageError(`unexpected argument: ${parsed.positional[3]}`);
  return reference;
}

/** Limits shared by create and update; `all` / `none` clear a setting on update. */
function readLimits(options: OptionReader, clearing: boolean) {
  const modelsText = options.string('models');
  return {
    models: modelsText === undefined ? undefined : clearing && modelsText === 'all' ? [] : parseList(modelsText),
    rpm: clearing ? options.limit('rpm') : options.integer('rpm'),
    tpm: clearing ? options.limit('tpm') : options.integer('tpm'),
    monthlyBudgetUsd: options.money('budget', clearing ? 'none' : undefined),
  };
}

export async function teamsCommand(bus: Bus, parsed: ParsedArguments): Promise<CommandOutput> {
  const options = new OptionReader(parsed);
  const action = parsed.positional[1];
  switch (action) {
    case 'create': {
      const name = options.string('name');
      if (!name || parsed.positional.length > 2) throw new UsageError(`usage: corral teams create --name NAME ${LIMITS_USAGE}`);
      const limits = readLimits(options, false);
      options.finish();
      const team = await callAccounting(bus, 'teams.create', { name, ...definedOnly(limits) });
      return { text: describeTeam(team).join('\n'), json: team };
    }
    case 'list': {
      options.finish();
      const teams = await callAccounting(bus, 'teams.list', {});
      const rows = teams.map((team) => [
        team.id,
        team.name,
        team.models.length === 0 ? 'all' : team.models.join(','),
        team.rpm === null ? '-' : String(team.rpm),
        team.tpm === null ? '-' : String(team.tpm),
        formatMoney(team.monthlyBudgetUsd),
        formatMoney(team.spentThisMonthUsd),
        String(team.activeKeys),
      ]);
      const text = teams.length === 0 ? 'no teams' : formatTable(['ID', 'NAME', 'MODELS', 'RPM', 'TPM', 'BUDGET/MONTH', 'SPENT THIS MONTH', 'KEYS'], rows);
      return { text, json: teams };
    }
    case 'update': {
      const reference = requireReference(parsed, 'update');
      const name = options.string('name');
      const limits = readLimits(options, true);
      options.finish();
      const changes = definedOnly({ name, ...limits });
      if (Object.keys(changes).length === 0) throw new UsageError('nothing to update: give --name, --models, --rpm, --tpm or --budget');
      const { id } = await resolveTeam(bus, reference);
      const team = await callAccounting(bus, 'teams.update', { id, ...changes });
      return { text: describeTeam(team).join('\n'), json: team };
    }
    case 'delete': {
      const reference = requireReference(parsed, 'delete');
      options.finish();
      const team = await resolveTeam(bus, reference);
      const result = await callAccounting(bus, 'teams.delete', { id: team.id });
      return { text: result.deleted ? `deleted team ${team.name}` : `no team named ${team.name} any more`, json: result };
    }
    default:
      throw new UsageError(`unknown teams command: ${action ?? '(none)'}; use create, list, update or delete`);
  }
}
