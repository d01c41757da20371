/**
 * The testing entry of `@relais/file-checks`: a clamd started on a database holding only an EICAR
 * signature, the EICAR test file, signing identities and detached CMS signatures made with the
 * `openssl` CLI, and a small PES_Aller signed in the XAdES shape with xml-crypto. Production code
 * does not import it.
 */
export { findClamd, startClamd, type StartClamdOptions, type TestClamd } from './clamd.js';
export { EICAR_SIGNATURE_NAME, eicarHdbLine, eicarTestFile } from './eicar.js';
export { signPesXades, testPesAller, type TestBordereau, type XadesSignOptions } from './pes-signing.js';
export {
  findOpenssl,
  makeTestSigners,
  signWithOpenssl,
  type OpensslSignOptions,
  type TestIdentity,
  type TestSigners,
} from './test-signers.js';
