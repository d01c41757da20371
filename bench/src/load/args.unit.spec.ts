import { describe, expect, it } from '@jest/globals';
import { parseArgs } from './args.js';

function options(argv: string[], env: Record<string, string> = {}) {
  const parsed = parseArgs(argv, env);
  if (parsed.help) throw new Error('help');
  return parsed.options;
}

describe('parseArgs', () => {
  it('reads a steady run with defaults from the environment', () => {
    const o = options(['--rate', '12.5', '--duration=10', '--json', 'out.json'], { PORT: '3300', RELAIS_ADMIN_TOKEN: 'tok' });
    expect(o).toMatchObject({ rate: 12.5, durationS: 10, gateway: 'http://127.0.0.1:3300', sim: 'http://127.0.0.1:3100', adminToken: 'tok', collectivites: 20, findMax: false, json: 'out.json' });
    expect(o.drainTimeoutS).toBeUndefined();
  });

  it('prefers --admin-token and trims a trailing slash of URLs', () => {
    const o = options(['--rate', '1', '--admin-token', 'x', '--gateway', 'http://gw:3000/'], { RELAIS_ADMIN_TOKEN: 'env' });
    expect(o.adminToken).toBe('x');
    expect(o.gateway).toBe('http://gw:3000');
  });

  it('needs --rate unless --find-max, whose duration defaults to 20 s', () => {
    expect(() => parseArgs([], {})).toThrow(/--rate/);
    expect(options(['--find-max'])).toMatchObject({ findMax: true, durationS: 20, startRate: 5, maxRate: 1280 });
  });

  it('refuses unknown options, missing values and bad numbers', () => {
    expect(() => parseArgs(['--rate'], {})).toThrow(/needs a value/);
    expect(() => parseArgs(['--rat', '1'], {})).toThrow(/unknown option/);
    expect(() => parseArgs(['--rate', '0'], {})).toThrow(/--rate/);
    expect(() => parseArgs(['--rate', '1', '--collectivites', '2.5'], {})).toThrow(/integer/);
    expect(() => parseArgs(['--rate', '1', '--gateway', 'ftp://x'], {})).toThrow(/http/);
    expect(() => parseArgs(['oops'], {})).toThrow(/unexpected/);
  });

  it('mixes half PES files by default, and takes a share from 0 to 1', () => {
    expect(options(['--rate', '1']).pesShare).toBe(0.5);
    expect(options(['--rate', '1', '--pes-share', '0']).pesShare).toBe(0);
    expect(options(['--rate', '1', '--pes-share=1']).pesShare).toBe(1);
    expect(options(['--find-max', '--pes-share', '0.25']).pesShare).toBe(0.25);
    expect(() => parseArgs(['--rate', '1', '--pes-share', '1.5'], {})).toThrow(/--pes-share must be a number from 0 to 1/);
    expect(() => parseArgs(['--rate', '1', '--pes-share', '-0.1'], {})).toThrow(/--pes-share/);
    expect(() => parseArgs(['--rate', '1', '--pes-share', 'half'], {})).toThrow(/--pes-share/);
  });

  it('answers --help', () => {
    expect(parseArgs(['--help'], {})).toEqual({ help: true });
  });
});
