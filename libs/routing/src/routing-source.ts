import { readFile, stat } from 'node:fs/promises';
import { parseRoutingTable, type RoutingTable } from './routing-table.js';

/**
 * The routing table from a JSON file that operators edit in place: read again whenever the file's
 * modification time or size changes, so an edit applies to the next transmission without a rebuild
 * or a restart. An edit that breaks the table is refused loudly (the error names each problem) and
 * the last good table stays in use; a table that never loaded throws.
 */
export class RoutingTableSource {
  private loaded: { table: RoutingTable; stamp: string } | undefined;
  private lastError: Error | undefined;

  constructor(
    readonly path: string,
    private readonly env: Readonly<Record<string, string | undefined>> = process.env,
  ) {}

  /** The current table. */
  async current(): Promise<RoutingTable> {
    const info = await stat(this.path);
    const stamp = `${info.mtimeMs.toString()}:${info.size.toString()}`;
    if (this.loaded?.stamp === stamp) return this.loaded.table;
    try {
      const table = parseRoutingTable(JSON.parse(await readFile(this.path, 'utf8')) as unknown, this.env);
      this.loaded = { table, stamp };
      this.lastError = undefined;
      return table;
    } catch (error) {
      this.lastError = error instanceof Error ? error : new Error(String(error));
      if (this.loaded === undefined) throw this.lastError;
      return this.loaded.table;
    }
  }

  /** Why the last edit was refused, while the previous table stays in use. */
  get rejectedEdit(): Error | undefined {
    return this.lastError;
  }
}

/** `RELAIS_ROUTING_FILE`, else `config/routing.json` under the working directory. */
export function routingTablePath(env: Readonly<Record<string, string | undefined>> = process.env, cwd = process.cwd()): string {
  const configured = env['RELAIS_ROUTING_FILE'];
  return configured !== undefined && configured !== '' ? configured : `${cwd}/config/routing.json`;
}
