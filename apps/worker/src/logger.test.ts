import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';

function capture(level: Parameters<typeof createLogger>[0]['level']) {
  const lines: string[] = [];
  const logger = createLogger({ level, base: { workerId: 'w1' }, write: (line) => lines.push(line) });
  return { logger, records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>), lines };
}

describe('createLogger', () => {
  it('writes one JSON object per line with level, message, base and fields', () => {
    const { logger, records, lines } = capture('info');
    logger.info('started', { port: 1 });
    expect(lines[0]?.endsWith('\n')).toBe(true);
    expect(records()[0]).toMatchObject({ level: 'info', msg: 'started', workerId: 'w1', port: 1 });
    expect(typeof records()[0]?.time).toBe('string');
  });

  it('drops lines below the configured level', () => {
    const { logger, records } = capture('warn');
    logger.debug('hidden');
    logger.info('hidden');
    logger.warn('shown');
    logger.error('shown too');
    expect(records().map((record) => record.level)).toEqual(['warn', 'error']);
  });

  it('writes nothing when silent', () => {
    const { logger, lines } = capture('silent');
    logger.fatal('nothing');
    expect(lines).toHaveLength(0);
  });

  it('keeps the name, message and code of an error', () => {
    const { logger, records } = capture('trace');
    const error = Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
    logger.error('upstream down', { error });
    expect(records()[0]?.error).toEqual({ name: 'Error', message: 'refused', code: 'ECONNREFUSED' });
  });
});
