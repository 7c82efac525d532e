import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArguments } from '../../scripts/start/arguments.ts';
import { emulatorUrlFromLine } from '../../scripts/start/emulator.ts';
import { redactUrl } from '../../scripts/start/environment.ts';
import { LauncherError } from '../../scripts/start/errors.ts';
import { formatPrefix, LinePrefixer } from '../../scripts/start/line-prefixer.ts';
import { decideNats, natsInstallHint } from '../../scripts/start/nats.ts';
import { checksumFor, natsReleaseFor, natsServerVersion } from '../../scripts/start/nats-release.ts';
import { CrashHistory, exponentialDelays } from '../../scripts/start/restart-policy.ts';
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
    expect(parseArguments(['--help'], {}).help).toBe(true);
    expect(() => parseArguments(['--emulater'], {})).toThrow(LauncherError);
    expect(() => parseArguments(['--emulater'], {})).toThrow(/unknown argument --emulater/);
    expect(() => parseArguments(['-x'], {})).toThrow(/unknown argument -x\n/);
    expect(() => parseArguments(['emulator'], {})).toThrow(/unknown argument emulator\n/);
    expect(() => parseArguments(['--emulator=no'], {})).toThrow(/--emulator takes no value/);
  });
});

describe('decideNats', () => {
  const nothing = { natsUrl: undefined, localAnswers: false, natsServerPath: undefined, downloadedPath: undefined, downloadRefused: false };

  it('uses NATS_URL first, whatever else is available', () => {
    expect(decideNats({ ...nothing, natsUrl: 'nats://bus:4222', localAnswers: true, natsServerPath: '/usr/bin/nats-server' })).toEqual({
      kind: 'use',
      url: 'nats://bus:4222',
      source: 'NATS_URL',
    });
  });

  it('uses a NATS already answering on 127.0.0.1:4222', () => {
    expect(decideNats({ ...nothing, localAnswers: true, natsServerPath: '/usr/bin/nats-server' })).toMatchObject({
      kind: 'use',
      url: 'nats://127.0.0.1:4222',
    });
  });

  it('starts nats-server from PATH when nothing answers, before one downloaded earlier', () => {
    expect(decideNats({ ...nothing, natsServerPath: '/usr/sbin/nats-server', downloadedPath: '/srv/corral/.corral/bin/nats-server-v2.9.25' })).toEqual({
      kind: 'start',
      binary: '/usr/sbin/nats-server',
    });
  });

  it('starts the nats-server an earlier start downloaded, even where downloading is now refused', () => {
    const downloadedPath = '/srv/corral/.corral/bin/nats-server-v2.9.25';
    expect(decideNats({ ...nothing, downloadedPath, downloadRefused: true })).toEqual({ kind: 'start', binary: downloadedPath });
  });

  it('downloads nats-server when there is no other way to get a NATS', () => {
    expect(decideNats(nothing)).toEqual({ kind: 'download' });
  });

  it('says what to install when CORRAL_NO_DOWNLOAD refuses the download', () => {
    const decision = decideNats({ ...nothing, downloadRefused: true });
    expect(decision).toEqual({ kind: 'missing', message: natsInstallHint });
    expect(natsInstallHint).toContain('CORRAL_NO_DOWNLOAD=1');
    expect(natsInstallHint).toContain('apt-get install nats-server');
    expect(natsInstallHint).toContain('docker compose up -d nats');
    expect(natsInstallHint).toContain('nats-server/releases');
  });
});

describe('natsReleaseFor', () => {
  it('names the official asset and its SHA256SUMS beside it', () => {
    expect(natsReleaseFor('linux', 'x64')).toEqual({
      version: natsServerVersion,
      asset: `nats-server-${natsServerVersion}-linux-amd64.tar.gz`,
      binaryName: 'nats-server',
      assetUrl: `https://github.com/nats-io/nats-server/releases/download/${natsServerVersion}/nats-server-${natsServerVersion}-linux-amd64.tar.gz`,
      checksumsUrl: `https://github.com/nats-io/nats-server/releases/download/${natsServerVersion}/SHA256SUMS`,
    });
  });

  it("maps Node's platform and architecture names to the release's", () => {
    expect(natsReleaseFor('darwin', 'arm64').asset).toBe(`nats-server-${natsServerVersion}-darwin-arm64.tar.gz`);
    expect(natsReleaseFor('win32', 'x64')).toMatchObject({ asset: `nats-server-${natsServerVersion}-windows-amd64.tar.gz`, binaryName: 'nats-server.exe' });
    expect(natsReleaseFor('linux', 'arm', undefined, '7').asset).toBe(`nats-server-${natsServerVersion}-linux-arm7.tar.gz`);
    expect(natsReleaseFor('linux', 'arm', undefined, '6').asset).toBe(`nats-server-${natsServerVersion}-linux-arm6.tar.gz`);
  });

  it('keeps the release layout under a mirror URL', () => {
    expect(natsReleaseFor('linux', 'x64', 'https://mirror.example/nats/').checksumsUrl).toBe(`https://mirror.example/nats/${natsServerVersion}/SHA256SUMS`);
  });

  it('refuses a platform no release is published for, saying what to do instead', () => {
    expect(() => natsReleaseFor('aix', 'ppc64')).toThrow(LauncherError);
    expect(() => natsReleaseFor('aix', 'ppc64')).toThrow(/no nats-server release is published for aix\/ppc64.*NATS_URL/);
  });
});

describe('checksumFor', () => {
  const sums = [
    `${'a'.repeat(64)}  nats-server-v2.9.25-linux-amd64.tar.gz`,
    `${'B'.repeat(64)} *nats-server-v2.9.25-linux-arm64.tar.gz`,
    `${'c'.repeat(64)}  nats-server-v2.9.25-linux-amd64.zip`,
    '',
  ].join('\r\n');

  it('finds the line of exactly that file, in either sha256sum mode', () => {
    expect(checksumFor(sums, 'nats-server-v2.9.25-linux-amd64.tar.gz')).toBe('a'.repeat(64));
    expect(checksumFor(sums, 'nats-server-v2.9.25-linux-arm64.tar.gz')).toBe('b'.repeat(64));
  });

  it('finds nothing for a file it does not list, or a malformed line', () => {
    expect(checksumFor(sums, 'nats-server-v2.9.25-linux-386.tar.gz')).toBeUndefined();
    expect(checksumFor('abc  nats-server-v2.9.25-linux-amd64.tar.gz', 'nats-server-v2.9.25-linux-amd64.tar.gz')).toBeUndefined();
  });
});

describe('CrashHistory', () => {
  const policy = { initialDelayMs: 100, maxDelayMs: 1000, maxCrashes: 4, windowMs: 60_000, healthyAfterMs: 30_000 };

  it('doubles the delay up to the cap', () => {
    expect(exponentialDelays(250, 15_000)).toEqual([250, 500, 1000, 2000, 4000, 8000, 15_000]);
    expect(exponentialDelays(100, 100)).toEqual([100]);
  });

  it('restarts quick crashes with growing delays, then gives up on the crash loop', () => {
    const history = new CrashHistory(policy);
    const delays = [0, 1, 2].map((second) => history.record(second * 1000, 500));
    // nats.js backoff() jitters each delay to between half and one and a half times its step.
    expect(delays.map((verdict) => verdict.restart)).toEqual([true, true, true]);
    const [first, second, third] = delays.map((verdict) => (verdict.restart ? verdict.delayMs : Number.NaN));
    expect(first).toBeGreaterThanOrEqual(50);
    expect(first).toBeLessThan(150);
    expect(second).toBeGreaterThanOrEqual(100);
    expect(second).toBeLessThan(300);
    expect(third).toBeGreaterThanOrEqual(200);
    expect(third).toBeLessThan(600);
    expect(history.record(3000, 500)).toEqual({ restart: false, crashesInWindow: 4 });
  });

  it('counts only the crashes within the window', () => {
    const history = new CrashHistory(policy);
    for (const second of [0, 1, 2]) history.record(second * 1000, 500);
    expect(history.record(60_500, 500)).toMatchObject({ restart: true, crashesInWindow: 3 });
  });

  it('starts again from the first delay after a run that was healthy long enough', () => {
    const history = new CrashHistory({ ...policy, maxCrashes: 100 });
    for (const second of [0, 1, 2, 3]) history.record(second * 1000, 500);
    const afterHealthyRun = history.record(40_000, 35_000);
    expect(afterHealthyRun.restart && afterHealthyRun.delayMs).toBeLessThan(150);
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

  it('starts accounting, worker, edge and the admin app with the launcher runtime and tsx loader', () => {
    const specs = planServices(root, { PORT: '8080' }, runtime, () => true);
    expect(specs.map((spec) => spec.name)).toEqual(['accounting', 'worker', 'edge', 'admin']);
    expect(specs[2]).toEqual({
      name: 'edge',
      command: '/opt/node/bin/node',
      args: ['--import', runtime.loader, 'src/main.ts'],
      cwd: join(root, 'apps', 'edge'),
      env: { PORT: '8080' },
    });
  });

  it('runs the admin app as a production Next.js server on ADMIN_PORT, with the app its own next', () => {
    const admin = planServices(root, { ADMIN_PORT: '3100' }, runtime, () => true).at(-1);
    expect(admin).toEqual({
      name: 'admin',
      command: '/opt/node/bin/node',
      args: [join(root, 'apps', 'admin', 'node_modules', 'next', 'dist', 'bin', 'next'), 'start', '--port', '3100'],
      cwd: join(root, 'apps', 'admin'),
      env: { ADMIN_PORT: '3100', NODE_ENV: 'production' },
    });
    expect(planServices(root, {}, runtime, () => true).at(-1)?.args.slice(-1)).toEqual(['3000']);
  });

  it('skips accounting while its entry point does not exist, and the admin app while it is absent', () => {
    const exists = (path: string) => path !== join(root, 'apps', 'accounting', 'src', 'main.ts') && path !== join(root, 'apps', 'admin', 'package.json');
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
