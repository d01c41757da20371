/**
 * Checks on a file before it goes to the State: antivirus through a ClamAV daemon (every archive,
 * DOMAIN.md §1.8 and §2.3), detached CMS (PKCS#7) signatures of actes (§1.8), and the XAdES
 * signatures of a PES's bordereaux (§2.2, "XAdES signature verified if signed", §2.3). Each check
 * answers with a verdict carrying a stable code; a check that could not be made throws a
 * {@link FileCheckError} (antivirus) or says `signed: 'unknown'` (PES). Test helpers are in
 * `@relais/file-checks/testing`.
 */
export {
  FILE_CHECK_ERRORS,
  FILE_CODES,
  FileCheckError,
  PES_SIGNATURE_CODES,
  SIGNATURE_CODES,
  type FileCheckErrorCode,
  type FileCode,
  type PesSignatureCode,
  type SignatureCode,
} from './file-checks.errors.js';
export { ClamdScanner, type ClamdAddress, type ClamdScannerOptions, type ScanResult } from './antivirus/clamd.scanner.js';
export { cmsDer } from './cms/cms-input.decode.js';
export {
  verifyDetachedSignature,
  type CmsSigner,
  type DetachedSignatureOptions,
  type DetachedSignatureResult,
} from './cms/detached-signature.verify.js';
export { DEFAULT_MAX_DOM_BYTES, verifyPesSignatures } from './xades/pes-signatures.verify.js';
export type { PesSignatureCheck, PesSigner, PesSignaturesOptions, PesSignaturesResult } from './xades/pes-signatures.types.js';
