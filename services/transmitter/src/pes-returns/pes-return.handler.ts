import { Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { isDomainError, TransmissionErrorCode, type TransmissionCommand } from '@relais/domain';
import type { PesAckFile } from '@relais/pes';
import { loadCollectivite, recordPesRetour } from '@relais/service-kit';
import { TransmitterResources } from '../database/transmitter-resources.js';
import type { PesFileRecord } from '../pes/pes-file-registry.js';
import type { ReplyOutcome } from '../replies/reply.handler.js';
import { acquitCommand, nonAcquitCommand, PesAcquitUnusableError } from './pes-return.command.js';
import { matchPesFile } from './pes-return.match.js';
import type { PesRetourHeader } from './pes-return.read.js';
import type { PesReturnItem } from './returns-client.js';

/**
 * Records what a file from the DGFiP means: an acquittal (PES_Acquit, PES_NonAcquit) in the stream of
 * the transmission whose file it answers; a PES_Retour, its bytes stored first, for the collectivité
 * whose SIRET it names. The file's name on the server is its id in the log: read twice, it is recorded
 * once. What the log cannot take yet waits for the next poll; what matches nothing is left.
 */
@Injectable()
export class PesReturnRecorder {
  constructor(private readonly resources: TransmitterResources) {}

  /** An acquittal: matched by NomFic + CodCol (the deposited name first), then acknowledged, accepted in part or refused. */
  async recordAcquittal(file: PesAckFile, item: PesReturnItem): Promise<ReplyOutcome> {
    const at = new Date().toISOString();
    const ref =
      file.type === 'PES_ACQUIT'
        ? { nomFic: file.acquit.nomFic, codCol: file.acquit.enTete.codCol }
        : { nomFic: file.nonAcquit.nomFic, codCol: file.nonAcquit.enTete.codCol };
    const match = await matchPesFile(this.resources.pesFiles, ref, item.receivedFor, (candidate) => this.awaitsAnswer(candidate));
    if (match.kind === 'unmatched') return { kind: 'leave', why: `matches no transmission (${match.why})` };
    const { transmissionId } = match.found;
    let command: TransmissionCommand;
    try {
      command = file.type === 'PES_ACQUIT' ? acquitCommand(file.acquit, transmissionId, at) : nonAcquitCommand(file.nonAcquit, transmissionId, at);
    } catch (error) {
      if (error instanceof PesAcquitUnusableError) return { kind: 'leave', why: `its verdicts cannot be read: ${error.message}` };
      throw error;
    }
    const what = `transmission ${transmissionId}: ${file.type} of ${match.found.fileName} (${command.type})`;
    try {
      const causationId = `state-reply:${transmissionId}:${item.fileName === '' ? `pes-return-${item.id}` : item.fileName}`;
      const result = await this.resources.commands.execute(command, { causationId, actor: 'transmitter' });
      return { kind: 'recorded', what, changed: result.events.length > 0 };
    } catch (error) {
      if (isDomainError(error, TransmissionErrorCode.InvalidTransition)) {
        return { kind: 'wait', why: `transmission ${transmissionId} cannot take it yet (${error.message})` };
      }
      if (isDomainError(error)) return { kind: 'leave', why: `transmission ${transmissionId} refuses it: ${error.code} ${error.message}` };
      throw error;
    }
  }

  /** A PES_Retour: stored, then recorded once for the collectivité of its SIRET; one for no registered collectivité is left. */
  async recordRetour(header: PesRetourHeader, item: PesReturnItem): Promise<ReplyOutcome> {
    if (item.fileName === '') return { kind: 'leave', why: 'it has no file name, which names it in the log' };
    const { siren, siret } = header;
    if ((await loadCollectivite(this.resources.store, siren)) === undefined) {
      return { kind: 'leave', why: `no collectivité is registered with SIREN ${siren} (IdColl ${siret})` };
    }
    const stored = await this.resources.blobs.put(Readable.from([item.content]));
    const receivedAt = new Date().toISOString();
    const retour = await recordPesRetour(this.resources.store, {
      siren,
      siret,
      fileName: item.fileName,
      nomFic: header.nomFic,
      idPost: header.idPost,
      codCol: header.codCol,
      sha256: stored.sha256,
      size: stored.size,
      messageId: item.fileName,
      receivedAt,
    });
    return { kind: 'recorded', what: `collectivité ${siren}: PES_Retour ${item.fileName} for ${siret}`, changed: retour.receivedAt === receivedAt };
  }

  /** Whether a file's transmission still waits for the DGFiP's answer. */
  private async awaitsAnswer(file: PesFileRecord): Promise<boolean> {
    const { state } = await this.resources.commands.load(file.transmissionId);
    return state.status !== 'none' && state.answer === undefined;
  }
}
