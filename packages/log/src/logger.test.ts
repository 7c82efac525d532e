import { describe, expect, it } from 'vitest';
import { createLogger, type LogLevel } from './logger.ts';

function capture(level: LogLevel) {
  const lines: string[] = [];
  const logger = createLogger({ service: 'worker', level, base: { workerId: 'w1' }, write: (line) => lines.push(line) });
  return { logger, lines, records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('createLogger', () => {
  it('writes one JSON object per line with level, message, service, base fields and the call fields', () => {
    const { logger, lines, records } = capture('info');
    logger.info({ port: 1 }, 'started');
    expect(lines).toHaveLength(1);
    expect(lines[0]?.endsWith('\n')).toBe(true);
    expect(records()[0]).toMatchObject({ level: 30, msg: 'started', service: 'worker', workerId: 'w1', port: 1 });
    expect(typeof records()[0]?.time).toBe('number');
    expect(records()[0]).not.toHaveProperty('pid');
  });

  it('takes a message alone', () => {
    const { logger, records } = capture('info');
    logger.info('drained');
    expect(records()[0]).toMatchObject({ msg: 'drained', service: 'worker' });
  });

  it('drops lines below the configured level', () => {
    const { logger, records } = capture('warn');
    logger.debug('hidden');
    logger.info('hidden');
    logger.warn('shown');
    logger.error('shown too');
    expect(records().map((record) => record.level)).toEqual([40, 50]);
  });

  it('writes nothing when silent', () => {
    const { logger, lines } = capture('silent');
    logger.fatal('nothing');
    expect(lines).toHaveLength(0);
  });

  it('keeps the type, message and code of an error passed as err', () => {
    const { logger, records } = capture('trace');
    const error = Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
    logger.error({ err: error }, 'upstream down');
    expect(records()[0]?.err).toMatchObject({ type: 'Error', message: 'refused', code: 'ECONNREFUSED' });
  });

  it('never writes the credentials of a logged request', () => {
    const { logger, lines } = capture('info');
    logger.info({ req: { method: 'POST', headers: { authorization: 'Bearer sk-secret', 'x-api-key': 'sk-other', cookie: 'session=1' } } }, 'request');
    expect(lines[0]).toContain('POST');
    expect(lines[0]).not.toContain('sk-secret');
    expect(lines[0]).not.toContain('sk-other');
    expect(lines[0]).not.toContain('session=1');
  });
});
