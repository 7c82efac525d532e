import { type Bus, callAccounting } from '@corral/bus';
import type { ModelConfig, ModelSetRequest, ThinkSetting } from '@corral/protocol';
import { OptionReader, UsageError, type ParsedArguments } from '../arguments.ts';
import type { CommandOutput } from '../output.ts';
import { formatMoney, formatTable } from '../table.ts';

const THINK: Record<string, ThinkSetting> = { low: 'low', medium: 'medium', high: 'high', true: true, false: false };

/** `--option key=value`: numbers, booleans and JSON stay typed, anything else is text. */
function parseOption(text: string): [string, unknown] {
  const equals = text.indexOf('=');
  if (equals <= 0) throw new UsageError(`--option needs key=value, got ${JSON.stringify(text)}`);
  const raw = text.slice(equals + 1);
  let value: unknown = raw;
  try {
    value = JSON.parse(raw);
  } catch {
    // Plain text.
  }
  return [text.slice(0, equals), value];
}

function overridesOf(model: ModelConfig): string {
  const parts = Object.entries(model.options).map(([key, value]) => `${key}=${JSON.stringify(value)}`);
  if (model.think !== null) parts.push(`think=${String(model.think)}`);
  if (model.keepAlive !== null) parts.push(`keep_alive=${String(model.keepAlive)}`);
  if (model.requestTimeoutMs !== null) parts.push(`timeout=${model.requestTimeoutMs}ms`);
  if (model.excludeReasoning) parts.push('exclude-reasoning');
  return parts.join(' ') || '-';
}

function describeModel(model: ModelConfig): string {
  return [
    `alias:     ${model.alias}`,
    `target:    ${model.target}`,
    `overrides: ${overridesOf(model)}`,
    `prices:    ${formatMoney(model.inputPricePerMTok)} in / ${formatMoney(model.outputPricePerMTok)} out per million tokens`,
    `visible:   ${model.visible ? 'yes' : 'no'}`,
  ].join('\n');
}

/** The request that leaves every setting of an existing alias as it is. */
function asRequest(model: ModelConfig): Omit<ModelSetRequest, 'v'> {
  const { v: _version, updatedAt: _updatedAt, ...settings } = model;
  return settings;
}

async function findModel(bus: Bus, alias: string): Promise<ModelConfig | undefined> {
  return (await callAccounting(bus, 'models.list', {})).find((model) => model.alias === alias);
}

export async function modelsCommand(bus: Bus, parsed: ParsedArguments): Promise<CommandOutput> {
  const options = new OptionReader(parsed);
  const [, action, alias, target, extra] = parsed.positional;
  switch (action) {
    case 'alias': {
      if (!alias || !target || extra) throw new UsageError('usage: corral models alias ALIAS TARGET');
      options.finish();
      const existing = await findModel(bus, alias);
      const model = await callAccounting(bus, 'models.set', { ...(existing ? asRequest(existing) : {}), alias, target });
      return { text: describeModel(model), json: model };
    }
    case 'override': {
      if (!alias || target) throw new UsageError('usage: corral models override ALIAS [--num-ctx N] [--think low|medium|high|true|false] [--keep-alive 10m] [--timeout-ms N] [--exclude-reasoning] [--input-price X] [--output-price Y] [--option key=value]');
      const numContext = options.integer('num-ctx');
      const thinkText = options.string('think');
      const keepAliveText = options.string('keep-alive');
      const timeoutMs = options.integer('timeout-ms');
      const excludeReasoning = options.flag('exclude-reasoning') ? true : options.flag('include-reasoning') ? false : undefined;
      const visible = options.flag('hidden') ? false : options.flag('visible') ? true : undefined;
      const inputPrice = options.money('input-price');
      const outputPrice = options.money('output-price');
      const extraOptions = options.all('option').map(parseOption);
      options.finish();
      if (thinkText !== undefined && !(thinkText in THINK)) throw new UsageError('--think must be low, medium, high, true or false');

      // An override of a name without an alias makes an alias of it onto itself.
      const base = (await findModel(bus, alias)) ?? undefined;
      const request: Omit<ModelSetRequest, 'v'> = base ? asRequest(base) : { alias, target: alias };
      request.options = { ...request.options, ...Object.fromEntries(extraOptions), ...(numContext === undefined ? {} : { num_ctx: numContext }) };
      if (thinkText !== undefined) request.think = THINK[thinkText] ?? null;
      if (keepAliveText !== undefined) request.keepAlive = /^-?\d+$/.test(keepAliveText) ? Number(keepAliveText) : keepAliveText;
      if (timeoutMs !== undefined) request.requestTimeoutMs = timeoutMs;
      if (excludeReasoning !== undefined) request.excludeReasoning = excludeReasoning;
      if (visible !== undefined) request.visible = visible;
      if (inputPrice !== undefined) request.inputPricePerMTok = inputPrice;
      if (outputPrice !== undefined) request.outputPricePerMTok = outputPrice;
      const model = await callAccounting(bus, 'models.set', request);
      return { text: describeModel(model), json: model };
    }
    case 'list': {
      if (alias) throw new UsageError(`unexpected argument: ${alias}`);
      options.finish();
      const models = await callAccounting(bus, 'models.list', {});
      const rows = models.map((model) => [
        model.alias,
        model.target,
        overridesOf(model),
        formatMoney(model.inputPricePerMTok),
        formatMoney(model.outputPricePerMTok),
        model.visible ? 'yes' : 'no',
      ]);
      const text = models.length === 0 ? 'no model aliases' : formatTable(['ALIAS', 'TARGET', 'OVERRIDES', 'IN $/MTOK', 'OUT $/MTOK', 'VISIBLE'], rows);
      return { text, json: models };
    }
    case 'delete': {
      if (!alias || target) throw new UsageError('usage: corral models delete ALIAS');
      options.finish();
      const result = await callAccounting(bus, 'models.delete', { alias });
      if (!result.deleted) return { text: `no alias named ${alias}`, json: result };
      return { text: `deleted ${alias}`, json: result };
    }
    default:
      throw new UsageError(`unknown models command: ${action ?? '(none)'}; use alias, override, list or delete`);
  }
}
