import { describe, expect, it } from 'vitest';
import { OptionReader, UsageError, parseArguments, parseDate, parseList } from './arguments.ts';
import { formatTable } from './table.ts';

describe('parseArguments', () => {
  it('splits words, valued options and flags', () => {
    const parsed = parseArguments(['keys', 'create', '--name', 'a b', '--rpm=5', '--json', '--option', 'x=1', '--option', 'y=2']);
    expect(parsed.positional).toEqual(['keys', 'create']);
    expect(parsed.options.get('name')).toEqual(['a b']);
    expect(parsed.options.get('rpm')).toEqual(['5']);
    expect(parsed.options.get('option')).toEqual(['x=1', 'y=2']);
    expect([...parsed.flags]).toEqual(['json']);
  });

  it('takes values that start with a dash, and words after -- as positional', () => {
    const parsed = parseArguments(['models', '--budget', '-1', '--', '--json']);
    expect(parsed.options.get('budget')).toEqual(['-1']);
    expect(parsed.positional).toEqual(['models', '--json']);
    expect(parsed.flags.size).toBe(0);
  });

  it('refuses a missing value, a value for a flag and unknown options', () => {
    expect(() => parseArguments(['--name'])).toThrow('--name needs a value');
    expect(() => parseArguments(['--json=yes'])).toThrow('--json takes no value');
    expect(() => parseArguments(['--name', 'x', '--nmae', 'y'])).toThrow('unknown option: --nmae');
    expect(() => parseArguments(['--nmae', 'y', '-q'])).toThrow('unknown options: --nmae, -q');
  });

  it('refuses options the command does not read', () => {
    const reader = new OptionReader(parseArguments(['--name', 'x', '--rpm', '5', '--json']));
    reader.string('name');
    expect(() => reader.finish()).toThrow('unknown option: --rpm');
  });

  it('reads limits, clearing words and amounts', () => {
    const reader = new OptionReader(parseArguments(['--rpm', 'none', '--tpm', '100', '--budget', 'none', '--input-price', '-1']));
    expect(reader.limit('rpm')).toBeNull();
    expect(reader.limit('tpm')).toBe(100);
    expect(reader.money('budget', 'none')).toBeNull();
    expect(() => reader.money('input-price')).toThrow(UsageError);
    expect(() => new OptionReader(parseArguments(['--rpm', '1.5'])).integer('rpm')).toThrow(UsageError);
  });
});

describe('parseDate', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  it.each([
    ['2026-01-31', '2026-01-31T00:00:00.000Z'],
    ['2026-01-31T12:30:00+02:00', '2026-01-31T10:30:00.000Z'],
    ['30d', '2025-01-31T00:00:00.000Z'],
    ['12h', '2025-01-01T12:00:00.000Z'],
    ['2w', '2025-01-15T00:00:00.000Z'],
  ])('%s → %s', (text, expected) => {
    expect(parseDate(text, 'expires', now)).toBe(expected);
  });

  it('refuses anything else', () => {
    expect(() => parseDate('tomorrow', 'expires', now)).toThrow('--expires is not a date');
  });
});

describe('formatting', () => {
  it('lists and aligns', () => {
    expect(parseList(' a, b ,,c ')).toEqual(['a', 'b', 'c']);
    expect(formatTable(['A', 'LONG'], [['xyz', '1'], ['', '22']])).toBe('A    LONG\n---  ----\nxyz  1\n     22');
  });
});
