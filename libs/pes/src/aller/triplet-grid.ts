import { readFileSync } from 'node:fs';
import type { PesDomain } from './pes-aller.types.js';

/**
 * The grille des triplets: for each domain, the (TypBord, TypPce, NatPce) combinations a bordereau's
 * pièces may carry, as {@link tripletKey} keys. Hélios rejects a bordereau whose triplet is not in the
 * DGFiP's grid (DOMAIN.md §2.2); the grid is data, kept in a JSON file an operator can edit.
 */
export interface TripletGrid {
  readonly depense: ReadonlySet<string>;
  readonly recette: ReadonlySet<string>;
}

/** The key of a triplet in a {@link TripletGrid}: `TypBord-TypPce-NatPce`, say `01-01-01`. */
export function tripletKey(typBord: string, typPce: string, natPce: string): string {
  return `${typBord}-${typPce}-${natPce}`;
}

/**
 * The grid shipped with the library (`libs/pes/data/triplets-default.json`): every combination of the
 * codes DOMAIN.md §2.2 lists for the dépense (and the DGFiP schema's for the recette), not the DGFiP's
 * own grid; its `description` says so. The URL resolves from `src/` and from `dist/` alike.
 */
export const DEFAULT_TRIPLET_GRID_URL = new URL('../../data/triplets-default.json', import.meta.url);

const TRIPLET = /^[0-9]{2}-[0-9]{2}-[0-9]{2}$/;
const DOMAINS: readonly PesDomain[] = ['depense', 'recette'];

/**
 * Checks and converts the JSON form of a grid: `{"triplets": {"depense": ["01-01-01", …], "recette": […]}}`
 * (other top-level keys, such as `description`, are ignored).
 * @throws TypeError naming what is wrong, when `json` is not such an object
 */
export function parseTripletGrid(json: unknown): TripletGrid {
  const triplets = isRecord(json) ? json.triplets : undefined;
  if (!isRecord(triplets)) throw new TypeError('a triplet grid needs a "triplets" object with "depense" and "recette" lists');
  const sets = DOMAINS.map((domain) => {
    const list = triplets[domain];
    if (!Array.isArray(list)) throw new TypeError(`triplets.${domain} must be a list of "TypBord-TypPce-NatPce" strings`);
    return new Set(
      list.map((entry: unknown, index) => {
        if (typeof entry !== 'string' || !TRIPLET.test(entry)) {
          throw new TypeError(`triplets.${domain}[${index}] is not a "TypBord-TypPce-NatPce" triplet such as "01-01-01"`);
        }
        return entry;
      }),
    );
  });
  return { depense: sets[0] ?? new Set(), recette: sets[1] ?? new Set() };
}

/**
 * Reads a grid file, at start-up: the one read this library does besides the PES stream it is given.
 * @throws TypeError for a file that is not a grid (see {@link parseTripletGrid}); the file system's errors as they are
 */
export function loadTripletGrid(path: string | URL = DEFAULT_TRIPLET_GRID_URL): TripletGrid {
  return parseTripletGrid(JSON.parse(readFileSync(path, 'utf8')));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
