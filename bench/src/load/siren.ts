/**
 * SIRENs that look like those of French communes: 9 digits, the last one a Luhn check digit, `21`
 * then the two digits of the département then four run-specific digits. A rerun picks another range,
 * so that registering them rarely meets a 409 (which the load generator tolerates anyway). Each comes
 * with one to three Hélios budgets, each with its own SIRET.
 */

/** The Luhn sum of a string of digits (every second digit from the right doubled). */
function luhnSum(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum;
}

/** The digit that, appended to `payload`, makes its Luhn sum a multiple of ten. */
export function luhnCheckDigit(payload: string): number {
  if (!/^\d+$/.test(payload)) throw new Error(`not digits: ${payload}`);
  return (10 - (luhnSum(`${payload}0`) % 10)) % 10;
}

/** 9 digits whose Luhn sum is a multiple of ten (INSEE's rule for SIREN). */
export function isValidSiren(siren: string): boolean {
  return /^\d{9}$/.test(siren) && luhnSum(siren) % 10 === 0;
}

/** 14 digits whose Luhn sum is a multiple of ten: a SIREN, a 4-digit NIC and the key. */
export function isValidSiret(siret: string): boolean {
  return /^\d{14}$/.test(siret) && luhnSum(siret) % 10 === 0;
}

/**
 * The SIRET of an establishment of `siren`: the SIREN, the NIC `serial` on four digits, then the Luhn
 * key over the 13 digits (INSEE's rule; the platform only asks for 14 digits, real SIRETs have it).
 */
export function siretOf(siren: string, serial: number): string {
  if (!Number.isInteger(serial) || serial < 0 || serial > 9999) throw new Error(`NIC serial out of 0..9999: ${serial}`);
  const payload = `${siren}${String(serial).padStart(4, '0')}`;
  return `${payload}${luhnCheckDigit(payload)}`;
}

/** A commune's département and arrondissement, as @ctes writes them (DOMAIN.md §1.4). */
export interface Place {
  readonly departement: string;
  readonly arrondissement: string;
  /** The chef-lieu, for names and texts. */
  readonly ville: string;
}

/** Burgundy-Franche-Comté: the départements the brief asks for, with real arrondissement numbers. */
export const PLACES: readonly Place[] = [
  { departement: '021', arrondissement: '1', ville: 'Dijon' },
  { departement: '025', arrondissement: '2', ville: 'Besançon' },
  { departement: '039', arrondissement: '3', ville: 'Lons-le-Saunier' },
  { departement: '058', arrondissement: '3', ville: 'Nevers' },
  { departement: '070', arrondissement: '2', ville: 'Vesoul' },
  { departement: '071', arrondissement: '4', ville: 'Mâcon' },
  { departement: '089', arrondissement: '1', ville: 'Auxerre' },
  { departement: '090', arrondissement: '1', ville: 'Belfort' },
  { departement: '021', arrondissement: '2', ville: 'Beaune' },
  { departement: '025', arrondissement: '1', ville: 'Montbéliard' },
  { departement: '071', arrondissement: '1', ville: 'Autun' },
  { departement: '089', arrondissement: '2', ville: 'Avallon' },
];

/** One budget that sends PES files: an entry of API.md's `helios`. */
export interface HeliosBudget {
  /** The poste comptable's codique, 6 digits. */
  readonly idPost: string;
  /** 3 digits or capitals. */
  readonly codCol: string;
  /** 2 digits or capitals. */
  readonly codBud: string;
  readonly siret: string;
}

/** One collectivité to register: API.md's body of `POST /api/v1/admin/collectivites`. */
export interface CollectiviteSpec {
  readonly siren: string;
  readonly nom: string;
  readonly departement: string;
  readonly arrondissement: string;
  readonly nature: string;
  readonly helios: readonly HeliosBudget[];
}

/**
 * The `index`-th collectivité's budgets: the budget principal (CodBud 01), then budgets annexes (02,
 * 03) for two in three of them, all under one CodCol at the poste of its arrondissement (`021010`
 * for Dijon's), each with its own establishment's SIRET (NIC 0001, 0002, 0003).
 */
export function heliosBudgets(siren: string, index: number, place: Place): HeliosBudget[] {
  const idPost = `${place.departement}0${place.arrondissement}0`;
  const codCol = String((index % 999) + 1).padStart(3, '0');
  return Array.from({ length: 1 + (index % 3) }, (_, k) => ({
    idPost,
    codCol,
    codBud: String(k + 1).padStart(2, '0'),
    siret: siretOf(siren, k + 1),
  }));
}

const NATURES: readonly { code: string; prefix: string }[] = [
  { code: '31', prefix: 'Commune de' },
  { code: '31', prefix: 'Mairie de' },
  { code: '44', prefix: 'Communauté de communes de' },
  { code: '31', prefix: 'Ville de' },
];

/**
 * The `index`-th collectivité of the run whose range is `rangeSeed` (0..9999): `21` + département
 * (two last digits) + four digits + Luhn. Distinct for distinct indexes below 10 000 within a
 * département, since 7919 is prime to 10 000. It comes with its {@link heliosBudgets}.
 */
export function collectivite(index: number, rangeSeed: number): { readonly body: CollectiviteSpec; readonly ville: string } {
  const place = PLACES[index % PLACES.length] ?? PLACES[0];
  if (place === undefined) throw new Error('no places');
  const serial = String((rangeSeed + index * 7919) % 10_000).padStart(4, '0');
  const payload = `21${place.departement.slice(1)}${serial}`;
  const nature = NATURES[index % NATURES.length] ?? { code: '31', prefix: 'Commune de' };
  const siren = `${payload}${luhnCheckDigit(payload)}`;
  const body: CollectiviteSpec = {
    siren,
    nom: `${nature.prefix} ${place.ville} (charge ${index + 1})`,
    departement: place.departement,
    arrondissement: place.arrondissement,
    nature: nature.code,
    helios: heliosBudgets(siren, index, place),
  };
  return { body, ville: place.ville };
}
