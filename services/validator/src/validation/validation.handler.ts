import { Injectable, Logger } from '@nestjs/common';
import { TransmissionError, type ActeSubmission, type ErrorDetail, type TransmissionReceived } from '@relais/domain';
import { PermanentError } from '@relais/messaging';
import { isPrivacyError, PrivacyErrorCode } from '@relais/privacy';
import { FileChecks } from '../file-checks/file-checks.js';
import { PesValidation } from '../pes/pes-validation.js';
import { ValidatorResources } from '../validator.resources.js';
import { acteErrors, type ActeFiles } from './acte-verdict.js';
import { readFileEnds } from './file-ends.js';
import { FileNotStoredError } from './file-not-stored.error.js';

/** What handling one TransmissionReceived did. */
export type ValidationOutcome = 'validated' | 'rejected' | 'already_decided';

/** Whether a check's error is a virus found. */
export function isVirus(error: ErrorDetail): boolean {
  return error.code === 'FILE.VIRUS_FOUND';
}

/** The actor recorded in the metadata of the events the validator appends. */
const ACTOR = 'validator';

/** The verdict on an acte whose personal data were shredded before it was checked: its objet cannot be read, nor sent. */
export const OBJET_SHREDDED: ErrorDetail = {
  code: PrivacyErrorCode.Shredded,
  message: "Les données personnelles de la transmission ont été effacées avant sa validation : son objet ne peut plus être lu ni transmis.",
  field: 'objet',
};

/**
 * Validates one received transmission (an acte against the @ctes rules, a PES file against the
 * operator's Hélios checks) and records the verdict. Idempotent: a transmission that already has a
 * verdict is left as it is, and the numéro interne (acte) or the NomFic (PES) is claimed only once
 * every other rule passed, by this transmission alone, so a redelivery finds its own claim and gives
 * the same verdict.
 */
@Injectable()
export class ValidationHandler {
  private readonly logger = new Logger('Validation');

  constructor(
    private readonly resources: ValidatorResources,
    private readonly pes: PesValidation,
    private readonly checks: FileChecks,
  ) {}

  async handle(event: TransmissionReceived, messageId: string): Promise<ValidationOutcome> {
    const { transmissionId, siren, submission } = event.data;
    const loaded = await this.resources.commands.load(transmissionId);
    const { state } = loaded;
    if (state.status === 'none') throw new Error(`transmission ${transmissionId} is not in the log yet`);
    if (state.validationErrors !== undefined || state.status !== 'received') return 'already_decided';

    // The checks before sending come first: a file with a virus is not read any further, and a refused
    // file claims no numéro interne nor NomFic.
    const errors =
      submission.kind === 'acte'
        ? await this.acteErrors(transmissionId, siren, submission, event.data.at)
        : await this.pes.errors(transmissionId, siren, submission, await this.checks.ofPes(transmissionId, submission));
    try {
      await this.resources.commands.execute(
        { type: 'RecordValidation', data: { transmissionId, at: new Date().toISOString(), errors } },
        { causationId: messageId, actor: ACTOR, loaded },
      );
    } catch (error) {
      // Another verdict got there first (a concurrent replica with other rules): retrying cannot help.
      if (error instanceof TransmissionError) throw new PermanentError(error.message, error.code, { cause: error });
      throw error;
    }
    if (errors.length > 0) {
      this.logger.log(`transmission ${transmissionId} rejected: ${errors.map((e) => e.code).join(', ')}`);
      return 'rejected';
    }
    return 'validated';
  }

  /** The acte's verdict, checked with its personal fields in clear (stored sealed). */
  private async acteErrors(transmissionId: string, siren: string, sealed: ActeSubmission, receivedAt: string): Promise<ErrorDetail[]> {
    let submission: ActeSubmission;
    try {
      submission = await this.resources.personalData.openActe(transmissionId, sealed);
    } catch (error) {
      if (isPrivacyError(error, PrivacyErrorCode.Shredded)) return [OBJET_SHREDDED];
      throw error;
    }
    const files = await this.files(transmissionId, submission);
    return this.acteVerdict(transmissionId, siren, submission, files, receivedAt, await this.checks.ofActe(transmissionId, submission));
  }

  private async acteVerdict(
    transmissionId: string,
    siren: string,
    submission: ActeSubmission,
    files: ActeFiles,
    receivedAt: string,
    checkErrors: readonly ErrorDetail[],
  ): Promise<ErrorDetail[]> {
    const { claims, classifications } = this.resources;
    // The collectivité's classification now, whatever ClassificationDateVersion an imported archive
    // declared: an older one is accepted (API.md), and the acte is still checked against the current
    // codes and piece types, which are what the préfecture checks it against.
    const { catalogue: classification } = await classifications.of(siren);
    const numero = submission.numeroInterne;
    const holder = await claims.holder(siren, numero);
    const input = { submission, files, receivedAt, classification, numeroTakenByOther: holder !== undefined && holder !== transmissionId };
    // A file with a virus is not read any further: the virus is the whole verdict.
    if (checkErrors.some(isVirus)) return [...checkErrors];
    const errors = [...checkErrors, ...acteErrors(input)];
    if (errors.length > 0 || holder === transmissionId) return errors;
    // Every other rule passed: take the numéro. Losing a race to another transmission makes it a duplicate.
    const winner = await claims.claim(siren, numero, transmissionId);
    return winner === transmissionId ? errors : acteErrors({ ...input, numeroTakenByOther: true });
  }

  private async files(transmissionId: string, submission: ActeSubmission): Promise<ActeFiles> {
    const { blobs } = this.resources;
    const read = async (file: ActeSubmission['document']) => {
      const ends = await readFileEnds(blobs, file);
      if (ends === undefined) throw new FileNotStoredError(transmissionId, file.sha256);
      return ends;
    };
    const document = await read(submission.document);
    const annexes = [];
    for (const annexe of submission.annexes) annexes.push(await read(annexe.file));
    return { document, annexes };
  }
}
