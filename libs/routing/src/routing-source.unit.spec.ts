import { describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { routingTablePath, RoutingTableSource } from './routing-source.js';
import { routeActe } from './routing-table.js';

const tableTo = (url: string) =>
  JSON.stringify({ endpoints: [{ id: 'pref', channel: 'actes', url }], rules: [{ channel: 'actes', endpoint: 'pref' }] });

describe('RoutingTableSource', () => {
  it('follows an edit of the file without a restart, and keeps the last good table when an edit breaks it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'routing-'));
    try {
      const path = join(dir, 'routing.json');
      await writeFile(path, tableTo('http://first:1'));
      const source = new RoutingTableSource(path, {});
      const first = await source.current();
      expect(routeActe(first, { departement: '021', arrondissement: '1' })?.url).toBe('http://first:1');

      await writeFile(path, tableTo('http://second:2'));
      await utimes(path, new Date(), new Date(Date.now() + 5000));
      expect(routeActe(await source.current(), { departement: '021', arrondissement: '1' })?.url).toBe('http://second:2');

      await writeFile(path, '{"endpoints": [');
      await utimes(path, new Date(), new Date(Date.now() + 10000));
      expect(routeActe(await source.current(), { departement: '021', arrondissement: '1' })?.url).toBe('http://second:2');
      expect(source.rejectedEdit?.message).toMatch(/JSON/);

      const fresh = new RoutingTableSource(path, {});
      await expect(fresh.current()).rejects.toThrow(/JSON/);
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it('loads the default table shipped in config/, which sends every acte to the simulator', async () => {
    const shipped = new RoutingTableSource(new URL('../../../config/routing.json', import.meta.url).pathname, { STATE_SIM_URL: 'http://sim:3100' });
    const table = await shipped.current();
    expect(routeActe(table, { departement: '974', arrondissement: '2' })).toMatchObject({ channel: 'actes', url: 'http://sim:3100' });
  });

  it('reads RELAIS_ROUTING_FILE, else config/routing.json under the working directory', () => {
    expect(routingTablePath({ RELAIS_ROUTING_FILE: '/etc/relais/routing.json' })).toBe('/etc/relais/routing.json');
    expect(routingTablePath({}, '/srv/relais')).toBe('/srv/relais/config/routing.json');
  });
});
