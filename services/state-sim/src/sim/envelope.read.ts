import { NOM_ARCHIVE_REGEX, NOM_ENVELOPPE_REGEX, type UnpackedFile } from '@relais/actes';

import { SimError, SimErrorCode } from './sim.errors.js';
import { attribute, child, childText, childTexts, children, rootElement } from './xml.read.js';

/** The contact an envelope may name (`Emetteur/Referent`), as written. */
export interface ReceivedReferent {
  readonly nom: string | undefined;
  readonly telephone: string | undefined;
  readonly email: string | undefined;
}

/** A collectivité's `EnveloppeCLMISILL`, as the ministry read it. */
export interface ReceivedEnvelope {
  /** `EACT--SIREN--YYYYMMDD-N.xml`. */
  readonly name: string;
  readonly siren: string;
  readonly departement: string;
  readonly arrondissement: string | undefined;
  /** `IDCL@Nature`, the two-digit type of collectivité. */
  readonly nature: string | undefined;
  readonly referent: ReceivedReferent | undefined;
  readonly adressesRetour: readonly string[];
  /** `FormulairesEnvoyes/Formulaire/NomFichier`, in order. */
  readonly formulaires: readonly string[];
}

/**
 * Reads the envelope of an unpacked archive: exactly one `EACT--SIREN--YYYYMMDD-N.xml`, named after the
 * archive (`TRI-` + its name), an `EnveloppeCLMISILL` whose `Emetteur/IDCL` has the SIREN of its name,
 * and every file it lists present in the archive.
 * @throws SimError `SIM.INVALID_ARCHIVE_NAME`, `SIM.MISSING_ENVELOPE`, `SIM.ENVELOPE_NAME_MISMATCH`,
 * `SIM.MALFORMED_XML`, `SIM.MISSING_FILE`, or the error `invalid` makes for an envelope that says too little.
 */
export function readReceivedEnvelope(
  archiveName: string,
  files: readonly UnpackedFile[],
  invalid: (message: string) => SimError,
): ReceivedEnvelope {
  if (!NOM_ARCHIVE_REGEX.test(archiveName)) {
    throw new SimError(SimErrorCode.InvalidArchiveName, `« ${archiveName.slice(0, 100)} » is not TRI-EACT--SIREN--YYYYMMDD-N.tar.gz.`);
  }
  const envelopes = files.filter((file) => NOM_ENVELOPPE_REGEX.test(file.name));
  const [envelope] = envelopes;
  if (envelope === undefined || envelopes.length > 1) {
    throw new SimError(SimErrorCode.MissingEnvelope, `Expected exactly one EACT--SIREN--YYYYMMDD-N.xml envelope, found ${envelopes.length}.`);
  }
  if (archiveName.slice(4, -'.tar.gz'.length) !== envelope.name.slice(0, -'.xml'.length)) {
    throw new SimError(SimErrorCode.EnvelopeNameMismatch, `Envelope « ${envelope.name} » does not match archive « ${archiveName} ».`);
  }
  const root = rootElement(envelope.name, envelope.content, 'EnveloppeCLMISILL', invalid);
  const emetteur = child(root, 'Emetteur');
  const idcl = child(emetteur, 'IDCL');
  const siren = attribute(idcl, 'SIREN');
  const departement = attribute(idcl, 'Departement');
  if (siren === undefined || departement === undefined || !envelope.name.startsWith(`EACT--${siren}--`)) {
    throw invalid(`${envelope.name}: no Emetteur/IDCL of the envelope's SIREN and department.`);
  }
  const formulaires = children(child(root, 'FormulairesEnvoyes'), 'Formulaire').map((formulaire) => childText(formulaire, 'NomFichier') ?? '');
  const present = new Set(files.map((file) => file.name));
  const missing = formulaires.find((name) => !present.has(name));
  if (missing !== undefined) throw new SimError(SimErrorCode.MissingFile, `${envelope.name} names « ${missing} », which is not in the archive.`);
  const referent = child(emetteur, 'Referent');
  return {
    name: envelope.name,
    siren,
    departement,
    arrondissement: attribute(idcl, 'Arrondissement'),
    nature: attribute(idcl, 'Nature'),
    referent:
      referent === undefined
        ? undefined
        : { nom: childText(referent, 'Nom'), telephone: childText(referent, 'Telephone'), email: childText(referent, 'Email') },
    adressesRetour: childTexts(child(root, 'AdressesRetour'), 'Email'),
    formulaires,
  };
}
