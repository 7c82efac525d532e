import { type Bus, callAccounting } from '@corral/bus';
import { UsageGroup } from '@corral/protocol';
import { OptionReader, UsageError, parseDate, parseList, type ParsedArguments } from '../arguments.ts';
import type { CommandOutput } from '../output.ts';
import { formatCount, formatMoney, formatTable } from '../table.ts';

const GROUPS = new Set<string>(Object.values(UsageGroup));

export async function usageCommand(bus: Bus, parsed: ParsedArguments): Promise<CommandOutput> {
  const options = new OptionReader(parsed);
  if (parsed.positional[1] !== 'summary' || parsed.positional.length > 2) throw new UsageError('usage: corral usage summary [--by key,model,day,hour] [--from DATE] [--to DATE] [--key ID] [--model ALIAS]');
  const groupBy = parseList(options.string('by') ?? 'key,model');
  const unknown = groupBy.filter((group) => !GROUPS.has(group));
  if (unknown.length > 0) throw new UsageError(`--by accepts key, model, day and hour, not ${unknown.join(', ')}`);
  const from = options.string('from');
  const to = options.string('to');
  const keyId = options.string('key');
  const model = options.string('model');
  options.finish();

  const rows = await callAccounting(bus, 'usage.summary', {
    groupBy: groupBy as UsageGroup[],
    ...(from ? { from: parseDate(from, 'from') } : {}),
    ...(to ? { to: parseDate(to, 'to') } : {}),
    ...(keyId ? { keyId } : {}),
    ...(model ? { model } : {}),
  });
  const headers = [
    ...(groupBy.includes('day') || groupBy.includes('hour') ? ['PERIOD'] : []),
    ...(groupBy.includes('key') ? ['KEY', 'KEY ID'] : []),
    ...(groupBy.includes('model') ? ['MODEL'] : []),
    'REQUESTS',
    'ERRORS',
    'PROMPT TOKENS',
    'COMPLETION TOKENS',
    'COST',
  ];
  const lines = rows.map((row) => [
    ...(row.period !== undefined ? [row.period] : []),
    ...(groupBy.includes('key') ? [row.keyName ?? (row.keyId ? '(deleted)' : '(no key)'), row.keyId ?? '-'] : []),
    ...(row.model !== undefined ? [row.model] : []),
    formatCount(row.requests),
    formatCount(row.errors),
    formatCount(row.promptTokens),
    formatCount(row.completionTokens),
    formatMoney(row.costUsd),
  ]);
  return { text: rows.length === 0 ? 'no usage in this range' : formatTable(headers, lines), json: rows };
}
