/**
 * The words the simulated préfecture puts in its 7-2 `RetourClassification` (the XSD requires a
 * `Libelle` on every nature, piece type and matière). The codes come from the platform's default
 * classification; the labels are the ones DOMAIN.md §1.5 and §1.6 give, and a neutral one elsewhere.
 */

/** The natures of actes (DOMAIN.md §1.5): `CodeNatureActe` and label, by abbreviation. */
export const NATURES = {
  DE: { code: 1, libelle: 'Délibérations' },
  AR: { code: 2, libelle: 'Arrêtés réglementaires' },
  AI: { code: 3, libelle: 'Arrêtés individuels' },
  CC: { code: 4, libelle: 'Contrats, conventions et avenants' },
  BF: { code: 5, libelle: 'Documents budgétaires et financiers' },
  AU: { code: 6, libelle: 'Autres' },
} as const;
export type NatureAbbreviation = keyof typeof NATURES;

/** Whether `value` is the abbreviation of a nature of acte. */
export function isNatureAbbreviation(value: string): value is NatureAbbreviation {
  return Object.hasOwn(NATURES, value);
}

/** Matières of levels 1 and 2 DOMAIN.md §1.6 names. */
const MATIERES: Readonly<Record<string, string>> = {
  '1': 'Commande publique',
  '1.1': 'Marchés publics',
  '1.2': 'Délégations de service public',
  '1.3': 'Conventions de mandat',
  '1.4': 'Autres contrats',
  '1.5': 'Transactions',
  '1.6': "Maîtrise d'œuvre",
  '1.7': 'Actes spéciaux',
  '2': 'Urbanisme',
  '2.1': "Documents d'urbanisme",
  '2.2': 'Droit des sols',
  '2.3': 'Droit de préemption urbain',
  '3': 'Domaine et patrimoine',
  '3.1': 'Acquisitions',
  '3.2': 'Aliénations',
  '3.3': 'Locations',
  '4': 'Fonction publique',
  '4.1': 'Titulaires et stagiaires de la fonction publique territoriale',
  '4.2': 'Contractuels',
  '4.5': 'Régime indemnitaire',
  '5': 'Institutions et vie politique',
  '5.1': 'Élection exécutif',
  '5.2': 'Fonctionnement des assemblées',
  '5.7': 'Intercommunalité',
  '6': 'Libertés publiques et pouvoirs de police',
  '6.1': 'Police municipale',
  '7': 'Finances locales',
  '7.1': 'Décisions budgétaires',
  '7.2': 'Fiscalité',
  '7.3': 'Emprunts',
  '7.5': 'Subventions',
  '7.10': 'Divers',
  '8': 'Domaines de compétences par thèmes',
  '8.1': 'Enseignement',
  '8.9': 'Culture',
  '9': 'Autres domaines de compétences',
  '9.4': 'Vœux et motions',
};

/** The label of a matière (`7.1`): DOMAIN.md's where it gives one, else « Matière 7.1 ». */
export function matiereLibelle(code: string): string {
  return MATIERES[code] ?? `Matière ${code}`;
}

/** The label of a piece type (`99_DE`): « Pièce de type 99_DE ». */
export function typePJLibelle(code: string): string {
  return `Pièce de type ${code}`;
}
