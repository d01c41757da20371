import { ACTES_NAMESPACE, INSEE_NAMESPACE } from '@relais/actes';

import type { ReceivedEnvelope } from './envelope.read.js';
import type { MinistryMessage } from './envelope.xml.js';
import { fichierXml, latin1Document, latin1XmlEscape, xmlText } from './xml.write.js';

/** What an `AnomalieEnveloppe` says is wrong. */
export interface EnvelopeAnomaly {
  /** `001`…`005` or `100` (the XSD's list; the meaning of each code is not published). */
  readonly nature: '001' | '002' | '003' | '004' | '005' | '100';
  readonly detail: string;
}

function referentXml(envelope: ReceivedEnvelope): string[] {
  const { referent } = envelope;
  if (referent === undefined) return [];
  const field = (name: string, value: string | undefined): string[] =>
    value === undefined ? [] : [`        <actes:${name}>${xmlText(value)}</actes:${name}>`];
  return [
    '      <actes:Referent>',
    ...field('Nom', referent.nom),
    ...field('Telephone', referent.telephone),
    ...field('Email', referent.email),
    '      </actes:Referent>',
  ];
}

/**
 * The `AnomalieEnveloppe` refusing a whole archive: the day, the nature and detail, and the received
 * envelope re-expressed as `EnveloppeRecue`. An `IDCL` without `Arrondissement` or `Nature` (which the
 * XSD requires) is echoed with `0` and `00`, so that the anomaly itself stays valid.
 */
export function anomalieEnveloppeXml(envelope: ReceivedEnvelope, date: string, anomaly: EnvelopeAnomaly): Buffer {
  const attr = (value: string): string => latin1XmlEscape(value);
  return latin1Document([
    `<actes:AnomalieEnveloppe xmlns:actes="${ACTES_NAMESPACE}" xmlns:insee="${INSEE_NAMESPACE}">`,
    `  <actes:Date>${date}</actes:Date>`,
    `  <actes:Nature>${anomaly.nature}</actes:Nature>`,
    `  <actes:Detail>${xmlText(anomaly.detail)}</actes:Detail>`,
    '  <actes:EnveloppeRecue>',
    '    <actes:Emetteur>',
    `      <actes:IDCL insee:SIREN="${attr(envelope.siren)}" actes:Departement="${attr(envelope.departement)}" actes:Arrondissement="${attr(envelope.arrondissement ?? '0')}" actes:Nature="${attr(envelope.nature ?? '00')}"/>`,
    ...referentXml(envelope),
    '    </actes:Emetteur>',
    '    <actes:AdressesRetour>',
    ...envelope.adressesRetour.map((email) => `      <actes:Email>${xmlText(email)}</actes:Email>`),
    '    </actes:AdressesRetour>',
    '    <actes:FormulairesEnvoyes>',
    ...envelope.formulaires.map((name) => `      ${fichierXml('Formulaire', name)}`),
    '    </actes:FormulairesEnvoyes>',
    '  </actes:EnveloppeRecue>',
    '</actes:AnomalieEnveloppe>',
  ]);
}

/** The answer refusing an archive's envelope: one file, `ANO_` + the received envelope's name. */
export function buildEnvelopeAnomaly(envelope: ReceivedEnvelope, date: string, anomaly: EnvelopeAnomaly): MinistryMessage<'AnomalieEnveloppe'> {
  return { kind: 'AnomalieEnveloppe', files: [{ name: `ANO_${envelope.name}`, content: anomalieEnveloppeXml(envelope, date, anomaly) }] };
}
