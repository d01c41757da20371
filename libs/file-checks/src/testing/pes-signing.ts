import { createHash, X509Certificate } from 'node:crypto';
import { SignedXml } from 'xml-crypto';

const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';
const XADES_NS = 'http://uri.etsi.org/01903/v1.3.2#';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
const C14N = {
  exclusive: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  inclusive: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315',
} as const;
const SIGNATURE_METHODS = {
  'rsa-sha1': { signature: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1', digest: 'http://www.w3.org/2000/09/xmldsig#sha1', hash: 'sha1' },
  'rsa-sha256': { signature: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256', digest: 'http://www.w3.org/2001/04/xmlenc#sha256', hash: 'sha256' },
} as const;

/** How {@link signPesXades} signs one element of a PES. */
export interface XadesSignOptions {
  readonly keyPem: string;
  readonly certPem: string;
  /** The `Id` of the element signed (a `Bordereau`, or the `PES_Aller` root for a whole-file signature); the signature goes inside it, last. */
  readonly targetId: string;
  /** Default `<targetId>_SIG_1`, as in the DGFiP's and Pastell's files. */
  readonly signatureId?: string;
  /** Default `rsa-sha256` (the Pastell sample is `rsa-sha1`). */
  readonly algorithm?: keyof typeof SIGNATURE_METHODS;
  /** Canonicalization of SignedInfo and of the references (default exclusive). */
  readonly c14n?: keyof typeof C14N;
  /** Default `2026-01-15T10:00:00Z`. */
  readonly signingTime?: string;
  /** Write XAdES QualifyingProperties/SignedProperties (SigningTime, SigningCertificate) and sign them (default true). */
  readonly xades?: boolean;
  /** The certificate SigningCertificate names (default `certPem`): another one makes a signature whose XAdES lies. */
  readonly signingCertificatePem?: string;
  /** An InclusiveNamespaces PrefixList for the exclusive canonicalization of the signed element. */
  readonly inclusiveNamespaces?: readonly string[];
  /** Reference the whole document with `URI=""` rather than `#<targetId>` (the signature still goes in the target). */
  readonly wholeDocument?: boolean;
}

/**
 * Signs one element of a PES (as text, decoded) with an enveloped XMLDSig signature in the shape of
 * the Hélios signatures: `ds:` prefix, Reference `#<targetId>` with the enveloped-signature and C14N
 * transforms, KeyInfo/X509Data with the certificate, and XAdES SignedProperties (SigningTime,
 * SigningCertificate/CertDigest) signed through a second Reference. Returns the signed text; the
 * caller encodes it back (ISO-8859-1 for a PES).
 */
export function signPesXades(xml: string, options: XadesSignOptions): string {
  const method = SIGNATURE_METHODS[options.algorithm ?? 'rsa-sha256'];
  const c14n = C14N[options.c14n ?? 'exclusive'];
  const signatureId = options.signatureId ?? `${options.targetId}_SIG_1`;
  const propertiesId = `${signatureId}_SP`;
  const withXades = options.xades ?? true;
  const signer = new SignedXml({
    privateKey: options.keyPem,
    publicCert: options.certPem,
    signatureAlgorithm: method.signature,
    canonicalizationAlgorithm: c14n,
    ...(withXades ? { objects: [{ content: qualifyingProperties(options, method, signatureId, propertiesId) }] } : {}),
  });
  signer.addReference({
    xpath: options.wholeDocument === true ? '/*' : `//*[@Id='${options.targetId}']`,
    isEmptyUri: options.wholeDocument === true,
    transforms: [ENVELOPED, c14n],
    digestAlgorithm: method.digest,
    inclusiveNamespacesPrefixList: [...(options.inclusiveNamespaces ?? [])],
  });
  if (withXades) {
    signer.addReference({ xpath: `//*[@Id='${propertiesId}']`, transforms: [c14n], digestAlgorithm: method.digest, type: 'http://uri.etsi.org/01903#SignedProperties' });
  }
  signer.computeSignature(xml, {
    prefix: 'ds',
    attrs: { Id: signatureId },
    location: { reference: `//*[@Id='${options.targetId}']`, action: 'append' },
  });
  return signer.getSignedXml();
}

function qualifyingProperties(options: XadesSignOptions, method: (typeof SIGNATURE_METHODS)[keyof typeof SIGNATURE_METHODS], signatureId: string, propertiesId: string): string {
  const certificate = new X509Certificate(options.signingCertificatePem ?? options.certPem);
  const certDigest = createHash(method.hash).update(certificate.raw).digest('base64');
  return (
    `<xad:QualifyingProperties xmlns:xad="${XADES_NS}" Target="#${signatureId}">` +
    `<xad:SignedProperties Id="${propertiesId}"><xad:SignedSignatureProperties>` +
    `<xad:SigningTime>${options.signingTime ?? '2026-01-15T10:00:00Z'}</xad:SigningTime>` +
    `<xad:SigningCertificate><xad:Cert><xad:CertDigest>` +
    `<ds:DigestMethod xmlns:ds="${DSIG_NS}" Algorithm="${method.digest}"/><ds:DigestValue xmlns:ds="${DSIG_NS}">${certDigest}</ds:DigestValue>` +
    `</xad:CertDigest><xad:IssuerSerial><ds:X509IssuerName xmlns:ds="${DSIG_NS}">${escapeXml(certificate.issuer.split('\n').reverse().join(','))}</ds:X509IssuerName>` +
    `<ds:X509SerialNumber xmlns:ds="${DSIG_NS}">${BigInt(`0x${certificate.serialNumber}`).toString()}</ds:X509SerialNumber></xad:IssuerSerial>` +
    `</xad:Cert></xad:SigningCertificate></xad:SignedSignatureProperties></xad:SignedProperties></xad:QualifyingProperties>`
  );
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A bordereau of {@link testPesAller}. */
export interface TestBordereau {
  readonly id: string;
  /** `MtBordHT`, as written (default `1234.56`). */
  readonly amount?: string;
}

/**
 * A small PES_Aller as text (to be encoded ISO-8859-1), with `PES_Aller Id="PES1"`, one
 * `Bordereau` per entry and accented text in each (`Réfection de la mairie`, `Société Générale`).
 */
export function testPesAller(bordereaux: readonly TestBordereau[] = [{ id: 'BORD1' }, { id: 'BORD2', amount: '99.90' }]): string {
  const blocks = bordereaux.map(
    (bordereau, index) => `  <Bordereau Id="${bordereau.id}">
   <BlocBordereau>
    <Exer V="2026"/>
    <IdBord V="${index + 1}"/>
    <DteBordEm V="2026-01-15"/>
    <TypBord V="01"/>
    <NbrPce V="1"/>
    <MtCumulAnnuel V="${bordereau.amount ?? '1234.56'}"/>
    <MtBordHT V="${bordereau.amount ?? '1234.56'}"/>
   </BlocBordereau>
   <Piece>
    <BlocPiece>
     <InfoPce>
      <IdPce V="${index + 10}"/>
      <TypPce V="01"/>
      <NatPce V="01"/>
      <Obj V="Réfection de la mairie"/>
     </InfoPce>
    </BlocPiece>
    <LigneDePiece>
     <BlocLignePiece>
      <InfoLignePce>
       <IdLigne V="1"/>
       <Nature V="2313"/>
       <MtHT V="${bordereau.amount ?? '1234.56'}"/>
      </InfoLignePce>
     </BlocLignePiece>
     <Tiers>
      <InfoTiers>
       <Nom V="Société Générale &amp; Fils"/>
      </InfoTiers>
     </Tiers>
    </LigneDePiece>
   </Piece>
  </Bordereau>`,
  );
  return `<?xml version="1.0" encoding="ISO-8859-1"?>
<n:PES_Aller xmlns:n="http://www.minefi.gouv.fr/cp/helios/pes_v2/Rev0/aller" xmlns:ds="${DSIG_NS}" xmlns:xad="http://uri.etsi.org/01903/v1.1.1#" Id="PES1">
 <Enveloppe>
  <Parametres>
   <Version V="1"/>
   <TypFic V="PESALR2"/>
   <NomFic V="PESALR2_12345678900011_260115_001.xml"/>
  </Parametres>
 </Enveloppe>
 <EnTetePES>
  <DteStr V="2026-01-15"/>
  <IdPost V="034000"/>
  <IdColl V="12345678900011"/>
  <CodCol V="123"/>
  <CodBud V="01"/>
 </EnTetePES>
 <PES_DepenseAller>
  <EnTeteDepense>
   <IdVer V="1"/>
   <InfoDematerialisee V="0"/>
  </EnTeteDepense>
${blocks.join('\n')}
 </PES_DepenseAller>
</n:PES_Aller>
`;
}
