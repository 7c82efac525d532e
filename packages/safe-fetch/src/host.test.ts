import { describe, expect, it } from 'vitest';
import { SafeFetchError } from './errors.ts';
import { hostnameRefusal, isExempt, parseTarget } from './host.ts';

function errorCode(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return error instanceof SafeFetchError ? error.code : 'not a SafeFetchError';
  }
  return undefined;
}

describe('parseTarget', () => {
  it('normalises numeric host forms to the address they mean', () => {
    // The WHATWG parser is the first line of defence: these all become plain 127.0.0.1.
    for (const raw of ['http://2130706433/', 'http://0x7f.1/', 'http://0177.0.0.1/', 'http://127.1/', 'http://0x7f000001/', 'http://%31%32%37.0.0.1/']) {
      expect(parseTarget(raw)).toMatchObject({ hostname: '127.0.0.1', literal: 4 });
    }
    expect(parseTarget('http://[::ffff:127.0.0.1]/')).toMatchObject({ hostname: '::ffff:7f00:1', literal: 6 });
  });

  it('fills in default ports and drops the fragment', () => {
    expect(parseTarget('https://Example.COM./a#frag')).toMatchObject({ hostname: 'example.com.', matchName: 'example.com', port: 443, literal: 0 });
    expect(parseTarget('https://example.com/a#frag').url.href).toBe('https://example.com/a');
    expect(parseTarget('http://example.com:8080/').port).toBe(8080);
  });

  it('resolves relative redirect locations against the previous URL', () => {
    expect(parseTarget('/b.png', new URL('http://example.com/a/x.png')).url.href).toBe('http://example.com/b.png');
  });

  it.each(['ftp://example.com/a.png', 'file:///etc/passwd', 'data:image/png;base64,AAAA', 'gopher://example.com/', 'not a url', 'http://user:secret@example.com/', 'http://user@example.com/'])(
    'refuses %s as invalid_url',
    (raw) => {
      expect(errorCode(() => parseTarget(raw))).toBe('invalid_url');
    },
  );
});

describe('hostnameRefusal', () => {
  it('refuses localhost names unless private addresses are allowed', () => {
    expect(hostnameRefusal('localhost', false)).toBe('loopback host');
    expect(hostnameRefusal('app.localhost', false)).toBe('loopback host');
    expect(hostnameRefusal('localhost', true)).toBeUndefined();
    expect(hostnameRefusal('notlocalhost.example', false)).toBeUndefined();
  });

  it('always refuses metadata names', () => {
    expect(hostnameRefusal('metadata.google.internal', true)).toBe('cloud metadata host');
  });
});

describe('isExempt', () => {
  const target = parseTarget('http://127.0.0.1:9000/a.png');

  it('matches an exact host with any port, or an exact host and port', () => {
    expect(isExempt(target, ['127.0.0.1'])).toBe(true);
    expect(isExempt(target, ['127.0.0.1:9000'])).toBe(true);
    expect(isExempt(target, ['127.0.0.1:9001'])).toBe(false);
    expect(isExempt(target, ['127.0.0.2'])).toBe(false);
  });

  it('normalises entries the way URLs are normalised', () => {
    expect(isExempt(target, ['2130706433:9000'])).toBe(true);
    expect(isExempt(parseTarget('http://[::1]:8080/'), ['[::1]:8080'])).toBe(true);
    expect(isExempt(parseTarget('http://[::1]:8080/'), ['::1'])).toBe(true);
    expect(isExempt(parseTarget('http://Images.LAN/'), ['images.lan:80'])).toBe(true);
    expect(isExempt(parseTarget('https://images.lan/'), ['images.lan:80'])).toBe(false);
  });

  it('does not treat a suffix or a garbage entry as a match', () => {
    expect(isExempt(parseTarget('http://evil.images.lan/'), ['images.lan'])).toBe(false);
    expect(isExempt(target, ['', 'http://', '[::1'])).toBe(false);
  });
});
