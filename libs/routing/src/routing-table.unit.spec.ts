import { describe, expect, it } from '@jest/globals';
import { findEndpoint, nextWindowStart, parseRoutingTable, routeActe, routePes, RoutingTableError, windowStartOf } from './routing-table.js';

const table = parseRoutingTable(
  {
    endpoints: [
      { id: 'pref-021', channel: 'actes', url: 'https://actes.example/021' },
      { id: 'pref-021-beaune', channel: 'actes', url: 'https://actes.example/021-2' },
      { id: 'pref-any', channel: 'actes', url: '${SIM:-http://127.0.0.1:3100}' },
      { id: 'helios-021', channel: 'helios', url: 'sftp://helios.example/021' },
    ],
    rules: [
      { channel: 'actes', departement: '*', endpoint: 'pref-any' },
      { channel: 'actes', departement: '021', endpoint: 'pref-021' },
      { channel: 'actes', departement: '021', arrondissement: '2', endpoint: 'pref-021-beaune' },
      { channel: 'helios', idPost: '021000', endpoint: 'helios-021' },
    ],
  },
  { SIM: 'http://sim:3100' },
);

describe('routeActe', () => {
  it('prefers the arrondissement, then the département, then the catch-all, whatever the order of the rules', () => {
    expect(routeActe(table, { departement: '021', arrondissement: '2' })?.id).toBe('pref-021-beaune');
    expect(routeActe(table, { departement: '021', arrondissement: '1' })?.id).toBe('pref-021');
    expect(routeActe(table, { departement: '02A', arrondissement: '1' })?.id).toBe('pref-any');
  });

  it('finds nothing when no rule matches', () => {
    const only021 = parseRoutingTable({ endpoints: table.endpoints, rules: [{ channel: 'actes', departement: '021', endpoint: 'pref-021' }] });
    expect(routeActe(only021, { departement: '025', arrondissement: '1' })).toBeUndefined();
  });
});

describe('routePes and findEndpoint', () => {
  it('routes a PES file by its accounting post and finds endpoints by id', () => {
    expect(routePes(table, { idPost: '021000' })?.url).toBe('sftp://helios.example/021');
    expect(routePes(table, { idPost: '025000' })).toBeUndefined();
    expect(findEndpoint(table, 'pref-any')?.url).toBe('http://sim:3100');
    expect(findEndpoint(table, 'nowhere')).toBeUndefined();
  });
});

describe('parseRoutingTable', () => {
  it('substitutes ${NAME:-fallback} from the environment', () => {
    const t = parseRoutingTable({ endpoints: [{ id: 'a', channel: 'actes', url: '${SIM:-http://127.0.0.1:3100}/x' }], rules: [] });
    expect(t.endpoints[0]?.url).toBe('http://127.0.0.1:3100/x');
  });

  it('names every problem of a broken table at once', () => {
    const broken = () =>
      parseRoutingTable({
        endpoints: [
          { id: 'Bad Id', channel: 'fax', url: 'not a url' },
          { id: 'ok', channel: 'helios', url: 'sftp://h' },
        ],
        rules: [
          { channel: 'actes', departement: '21', endpoint: 'missing' },
          { channel: 'actes', endpoint: 'ok' },
        ],
      });
    expect(broken).toThrow(RoutingTableError);
    try {
      broken();
    } catch (error) {
      const { problems, code } = error as RoutingTableError;
      expect(code).toBe('ROUTING.INVALID_TABLE');
      expect(problems).toEqual([
        'endpoints[0].id must match ^[a-z0-9][a-z0-9-]{0,62}$',
        'endpoints[0].channel must be actes or helios',
        'endpoints[0].url is not a URL: not a url',
        'rules[0].departement must be * or match ^(\\d{3}|02A|02B)$',
        'rules[0].endpoint missing is not a listed endpoint',
        'rules[1] sends actes to ok, a helios endpoint',
      ]);
    }
    expect(() => parseRoutingTable([])).toThrow('the table is not a JSON object');
  });

  it('reads an endpoint’s transmission window; none means unlimited', () => {
    const t = parseRoutingTable({
      endpoints: [
        { id: 'capped', channel: 'actes', url: 'https://a', window: { bytes: 524_288_000, seconds: 3600 } },
        { id: 'free', channel: 'actes', url: 'https://b' },
      ],
      rules: [],
    });
    expect(findEndpoint(t, 'capped')?.window).toEqual({ bytes: 524_288_000, seconds: 3600 });
    expect(findEndpoint(t, 'free')).not.toHaveProperty('window');
  });

  it('names every problem of a window', () => {
    const problemsOf = (window: unknown): readonly string[] => {
      try {
        parseRoutingTable({ endpoints: [{ id: 'a', channel: 'actes', url: 'https://a', window }], rules: [] });
        return [];
      } catch (error) {
        return (error as RoutingTableError).problems;
      }
    };
    expect(problemsOf(3600)).toEqual(['endpoints[0].window must be an object {bytes, seconds}']);
    expect(problemsOf({ bytes: 0, seconds: 1.5 })).toEqual([
      'endpoints[0].window.bytes must be a whole number from 1',
      'endpoints[0].window.seconds must be a whole number from 1 to 86400',
    ]);
    expect(problemsOf({ bytes: '500MB', seconds: 86_401, hours: 1 })).toEqual([
      'endpoints[0].window.bytes must be a whole number from 1',
      'endpoints[0].window.seconds must be a whole number from 1 to 86400',
      'endpoints[0].window.hours is not a window setting (bytes, seconds)',
    ]);
    expect(problemsOf({ bytes: 1, seconds: 86_400 })).toEqual([]);
  });
});

describe('windowStartOf and nextWindowStart', () => {
  it('cut time into fixed windows aligned on the epoch', () => {
    const hourly = { bytes: 1, seconds: 3600 };
    expect(windowStartOf(hourly, new Date('2026-01-05T09:59:59.999Z')).toISOString()).toBe('2026-01-05T09:00:00.000Z');
    expect(windowStartOf(hourly, new Date('2026-01-05T10:00:00.000Z')).toISOString()).toBe('2026-01-05T10:00:00.000Z');
    expect(nextWindowStart(hourly, new Date('2026-01-05T09:00:00.000Z')).toISOString()).toBe('2026-01-05T10:00:00.000Z');
    const twoSeconds = { bytes: 1, seconds: 2 };
    expect(windowStartOf(twoSeconds, new Date('2026-01-05T09:00:03.500Z')).toISOString()).toBe('2026-01-05T09:00:02.000Z');
    expect(nextWindowStart(twoSeconds, new Date('2026-01-05T09:00:03.500Z')).toISOString()).toBe('2026-01-05T09:00:04.000Z');
  });
});
