import { describe, expect, it } from '@jest/globals';
import { parseCommand, UsageError } from './command.js';

describe('parseCommand', () => {
  it('reads verify with a range and the output switches', () => {
    expect(parseCommand(['audit', 'verify', '--from', '10', '--to', '20', '--json'])).toEqual({ kind: 'verify', from: 10n, to: 20n, json: true, quiet: false });
    expect(parseCommand(['audit', 'verify'])).toEqual({ kind: 'verify', json: false, quiet: false });
    expect(parseCommand(['audit', 'verify', '--workers', '2'])).toEqual({ kind: 'verify', workers: 2, json: false, quiet: false });
    expect(parseCommand(['audit', 'verify', '--workers', '0'])).toEqual({ kind: 'verify', workers: 0, json: false, quiet: false });
  });

  it('reads export with its filters, ndjson by default', () => {
    expect(parseCommand(['audit', 'export', '--siren', '212102313', '--from', '2026-01-01T00:00:00Z', '--out', 'x.ndjson', '--quiet'])).toEqual({
      kind: 'export',
      format: 'ndjson',
      out: 'x.ndjson',
      filter: { siren: '212102313', from: new Date('2026-01-01T00:00:00Z') },
      json: false,
      quiet: true,
    });
  });

  it('reads verify against exported seals, and replay with its projections', () => {
    expect(parseCommand(['audit', 'verify', '--seals', 'seals.ndjson'])).toEqual({ kind: 'verify', seals: 'seals.ndjson', json: false, quiet: false });
    expect(parseCommand(['audit', 'replay'])).toEqual({ kind: 'replay', dryRun: false, json: false, quiet: false });
    expect(parseCommand(['audit', 'replay', '--only', 'stats', '--dry-run', '--json'])).toEqual({ kind: 'replay', only: ['stats'], dryRun: true, json: true, quiet: false });
    expect(parseCommand(['audit', 'replay', '--workers', '0'])).toEqual({ kind: 'replay', dryRun: false, workers: 0, json: false, quiet: false });
  });

  it('refuses what it cannot run with a usage error', () => {
    for (const argv of [
      ['audit', 'rebuild'],
      ['audit', 'replay', '--only', 'everything'],
      ['audit', 'replay', '--from', '10'],
      ['audit', 'verify', '--seals', 'seals.ndjson', '--to', '20'],
      ['stats'],
      ['audit', 'verify', '--from', 'start'],
      ['audit', 'verify', '--format', 'csv'],
      ['audit', 'verify', '--workers', 'all'],
      ['audit', 'replay', '--workers', 'two'],
      ['audit', 'verify', '--workers', '-1'],
      ['audit', 'verify', '--workers', '100'],
      ['audit', 'export', '--workers', '2'],
      ['audit', 'export', '--format', 'xml'],
      ['audit', 'export', '--siren', '123'],
      ['audit', 'export', '--from', 'yesterday'],
      ['audit', 'export', 'extra'],
    ]) {
      expect(() => parseCommand(argv)).toThrow(UsageError);
    }
  });

  it('answers help', () => {
    expect(parseCommand([])).toEqual({ kind: 'help' });
    expect(parseCommand(['--help'])).toEqual({ kind: 'help' });
  });
});
