import type { ErrorDetail, FileRef } from '@relais/domain';
import type { DetachedSignatureResult, PesSignaturesResult } from '@relais/file-checks';

/** A file of a submission and where the API names it (`document`, `annexes[1]`, `document.signature`, `file`). */
export interface CheckedFile {
  readonly file: FileRef;
  readonly field: string;
}

/** `FILE.VIRUS_FOUND` for a file the antivirus flagged. Pure. */
export function virusError(file: FileRef, field: string, signature: string): ErrorDetail {
  return { code: 'FILE.VIRUS_FOUND', message: `l'antivirus a détecté « ${signature} » dans « ${file.name} » : le fichier n'est pas transmis`, field };
}

/** The error of a detached signature that does not verify, undefined when it does. Pure. */
export function signatureError(result: DetachedSignatureResult, file: FileRef, field: string): ErrorDetail | undefined {
  if (result.verdict === 'valid') return undefined;
  return { code: result.code, message: `la signature de « ${file.name} » n'est pas valable : ${result.reason}`, field };
}

/**
 * One error per XAdES signature of a PES file that does not verify, named by what it signs
 * (`Bordereau[@Id="BORD1"]/ds:Signature`); none when the file is unsigned or every signature holds. Pure.
 */
export function pesSignatureErrors(result: Exclude<PesSignaturesResult, { signed: 'unknown' }>): ErrorDetail[] {
  return result.signatures.flatMap((signature) => {
    if (signature.verdict === 'valid') return [];
    const parent = signature.parent.id === undefined ? signature.parent.element : `${signature.parent.element}[@Id="${signature.parent.id}"]`;
    const what = signature.parent.id === undefined ? `du ${signature.parent.element}` : `du ${signature.parent.element} ${signature.parent.id}`;
    return [{ code: signature.code ?? 'PES.SIGNATURE_INVALID', message: `la signature ${what} n'est pas valable : ${signature.reason ?? 'vérification échouée'}`, field: `${parent}/ds:Signature` }];
  });
}
