import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArguments } from '../../scripts/start/arguments.ts';
import { emulatorUrlFromLine } from '../../scripts/start/emulator.ts';
import { redactUrl } from '../../scripts/start/environment.ts';
import { LauncherError } from '../../scripts/start/errors.ts';
import { formatPrefix, LinePrefixer } from '../../scripts/start/line-prefixer.ts';
import { decideNats, natsInstallHint } from '../../scripts/start/nats.ts';
import { resolvePostgres } from '../../scripts/start/postgres.ts';

const localPostgresUrl = 'postgres://postgres@127.0.0.1:5432/corral';
import { planServices, serviceEnvironment } from '../../scripts/start/services.ts';

describe('parseArguments', () => {
  it('defaults to no emulator', () => {
    expect(parseArguments([], {})).toEqual({ emulator: false, help: false });
  });

  it('turns the emulator on with --emulator or CORRAL_EMULATOR', () => {
    expect(parseArguments(['--emulator'], {}).emulator).toBe(true);
    expect(parseArguments(['--', '--emulator'], {}).emulator).toBe(true);
    expect(parseArguments([], { CORRAL_EMULATOR: '1' }).emulator).toBe(true);
    expect(parseArguments([], { CORRAL_EMULATOR: 'true' }).emulator).toBe(true);
    expect(parseArguments([], { CORRAL_EMULATOR: '0' }).emulator).toBe(false);
    expect(parseArguments([], { CORRAL_EMULATOR: '' }).emulator).toBe(false);
  });

  it('recognises --help and refuses anything else', () => {
    expect(parseArguments(['-h'], {}).help).toBe(true);
    expect(() => parseArguments(['--emulater'], {})).toThrow(LauncherError);
    expect(() => parseArguments(['--emulater'], {})).toThrow(/unknown argument --emulater/);
  });
});

describe('decideNats', () => {
  it('uses NATS_URL first, whatever else is available', () => {
    expect(decideNats({ natsUrl: 'nats://bus:4222', localAnswers: true, natsServerPath: '/usr/bin/nats-server' })).toEqual({
      kind: 'use',
      url: 'nats://bus:4222',
      source: 'NATS_URL',
    });
  });

  it('uses a NATS already answering on 127.0.0.1:4222', () => {
    expect(decideNats({ natsUrl: undefined, localAnswers: true, natsServerPath: '/usr/bin/nats-server' })).toMatchObject({
      kind: 'use',
      url: 'nats://127.0.0.1:4222',
    });
  });

  it('starts nats-server from PATH when nothing answers', () => {
    expect(decideNats({ natsUrl: undefined, localAnswers: false, natsServerPath: '/usr/sbin/nats-server' })).toEqual({
      kind: 'start',
      binary: '/usr/sbin/nats-server',
    });
  });

  it('says what to install when there is no way to get a NATS', () => {
    const decision = decideNats({ natsUrl: undefined, localAnswers: false, natsServerPath: undefined });
    expect(decision).toEqual({ kind: 'missing', message: natsInstallHint });
    expect(natsInstallHint).toContain('apt-get install nats-server');
    expect(natsInstallHint).toContain('docker compose up -d nats');
    expect(natsInstallHint).toContain('nats-server/releases');
  });
});

describe('resolvePostgres', () => {
  it('finds the Postgres running on 127.0.0.1:5432 when nothing is set', async () => {
    await expect(resolvePostgres({ DATABASE_URL: '' })).resolves.toEqual({ url: 'postgres://postgres@127.0.0.1:5432/corral', source: 'Postgres already running on 127.0.0.1:5432 (database corral)' });
  });

  it('takes DATABASE_URL without probing', async () => {
    await expect(resolvePostgres({ DATABASE_URL: 'postgres://app@db.example:5432/corral' })).resolves.toEqual({
      url: 'postgres://app@db.example:5432/corral',
      source: 'DATABASE_URL',
    });
  });
});

describe('LinePrefixer', () => {
  function collect(prefix: string) {
    const written: string[] = [];
    const lines: string[] = [];
    const prefixer = new LinePrefixer(prefix, (prefixed, line) => {
      written.push(prefixed);
      lines.push(line);
    });
    return { prefixer, written, lines };
  }

  it('prefixes every complete line and holds back a partial one', () => {
    const { prefixer, written, lines } = collect('edge | ');
    prefixer.push('one\ntw');
    expect(written).toEqual(['edge | one\n']);
    prefixer.push('o\r\nthree\n');
    expect(written).toEqual(['edge | one\n', 'edge | two\n', 'edge | three\n']);
    expect(lines).toEqual(['one', 'two', 'three']);
  });

  it('flushes a last line without a newline, once', () => {
    const { prefixer, written } = collect('worker | ');
    prefixer.push('bye');
    prefixer.flush();
    prefixer.flush();
    expect(written).toEqual(['worker | bye\n']);
  });

  it('keeps empty lines', () => {
    const { prefixer, written } = collect('x | ');
    prefixer.push('\n\n');
    expect(written).toEqual(['x | \n', 'x | \n']);
  });

  it('pads names so output columns line up', () => {
    expect(formatPrefix('edge')).toBe('edge       | ');
    expect(formatPrefix('accounting')).toBe('accounting | ');
  });
});

describe('planServices', () => {
  const root = '/srv/corral';
  const runtime = { node: '/opt/node/bin/node', loader: 'file:///srv/corral/node_modules/tsx/dist/loader.mjs' };

  it('starts accounting, worker and edge with the launcher runtime and tsx loader', () => {
    const specs = planServices(root, { PORT: '8080' }, runtime, () => true);
    expect(specs.map((spec) => spec.name)).toEqual(['accounting', 'worker', 'edge']);
    expect(specs[2]).toEqual({
      name: 'edge',
      command: '/opt/node/bin/node',
      args: ['--import', runtime.loader, 'src/main.ts'],
      cwd: join(root, 'apps', 'edge'),
      env: { PORT: '8080' },
    });
  });

  it('skips accounting while its entry point does not exist', () => {
    const exists = (path: string) => path !== join(root, 'apps', 'accounting', 'src', 'main.ts');
    expect(planServices(root, {}, runtime, exists).map((spec) => spec.name)).toEqual(['worker', 'edge']);
  });
});

describe('serviceEnvironment', () => {
  const endpoints = { natsUrl: 'nats://127.0.0.1:4222', databaseUrl: localPostgresUrl, ollamaUrl: 'http://127.0.0.1:11434' };

  it('passes the decided endpoints and defaults PORT and CORRAL_PREFIX', () => {
    expect(serviceEnvironment({ HOME: '/root', NATS_URL: '' }, endpoints)).toEqual({
      HOME: '/root',
      NATS_URL: 'nats://127.0.0.1:4222',
      DATABASE_URL: localPostgresUrl,
      OLLAMA_URL: 'http://127.0.0.1:11434',
      PORT: '8080',
      CORRAL_PREFIX: 'corral',
    });
  });

  it('keeps PORT and CORRAL_PREFIX when set', () => {
    expect(serviceEnvironment({ PORT: '9000', CORRAL_PREFIX: 'staging' }, endpoints)).toMatchObject({ PORT: '9000', CORRAL_PREFIX: 'staging' });
  });
});

describe('emulatorUrlFromLine', () => {
  it('finds the URL the emulator prints', () => {
    expect(emulatorUrlFromLine('ollama emulator listening on http://127.0.0.1:11434')).toBe('http://127.0.0.1:11434');
    expect(emulatorUrlFromLine('{"msg":"listening","url":"http://127.0.0.1:40000/"}')).toBe('http://127.0.0.1:40000');
  });

  it('makes a wildcard bind address dialable', () => {
    expect(emulatorUrlFromLine('listening on http://0.0.0.0:11434')).toBe('http://127.0.0.1:11434');
  });

  it('ignores lines without a URL', () => {
    expect(emulatorUrlFromLine('loading models')).toBeUndefined();
  });
});

describe('redactUrl', () => {
  it('masks a password and leaves the rest', () => {
    expect(redactUrl('postgres://corral:hunter2@db:5432/corral')).toBe('postgres://corral:***@db:5432/corral');
    expect(redactUrl(localPostgresUrl)).toBe(localPostgresUrl);
  });
});
