import { Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { ClassificationFileError, parseRetourClassification, type PrefectureDocument, type PrefectureMessage } from '@relais/actes';
import { isDomainError, TransmissionErrorCode, type ClassificationCommand, type FileRef, type RecordLetter, type TransmissionCommand } from '@relais/domain';
import { CollectiviteNotFoundError } from '@relais/service-kit';
import { TransmitterResources } from '../database/transmitter-resources.js';
import type { MailboxItem } from './mailbox-client.js';
import {
  acteAnswerCommand,
  cancellationCommand,
  classificationCommand,
  classificationUnchangedCommand,
  envelopeAnomalyCommand,
  letterCommand,
  replyReceiptCommand,
} from './reply.command.js';
import { mediaTypeOf } from './reply.documents.js';
import { classificationAnswerWait, matchActe, matchCancellation, matchEnvelope, matchReplyReceipt, type Match } from './reply.match.js';

/** What became of a préfecture message: recorded (then acknowledged in the mailbox), to try again, or for an operator. */
export type ReplyOutcome =
  /** Committed; `changed` is false when the log had it already. */
  | { readonly kind: 'recorded'; readonly what: string; readonly changed: boolean }
  /** Cannot be taken yet (what it answers is not recorded as sent): the next poll tries again. */
  | { readonly kind: 'wait'; readonly why: string }
  /** Matches nothing of ours, or the domain refuses it: left in the mailbox for an operator. */
  | { readonly kind: 'leave'; readonly why: string };

/** The command a matched message means on its transmission, and what to log of it. */
interface Plan {
  readonly transmissionId: string;
  readonly command: TransmissionCommand;
  readonly what: string;
}

/**
 * Records what a préfecture message means, in the stream it concerns: an answer to an acte (1-2, 1-3,
 * envelope anomaly), a letter (2-1, 3-1, 4-1, 5-1, its documents stored first), a receipt of an answer
 * (3-5, 4-5), of a 6-1 (6-2), a classification (7-2 stored first, 7-3). The mailbox item's archive name
 * is the message's id in the log, so that a message read twice is recorded once.
 */
@Injectable()
export class ReplyRecorder {
  constructor(private readonly resources: TransmitterResources) {}

  async record(message: PrefectureMessage, item: MailboxItem): Promise<ReplyOutcome> {
    const at = new Date().toISOString();
    const { receivedFor, archiveName: messageId } = item;
    const { archives, messages, cancellations } = this.resources;
    switch (message.code) {
      case '1-2':
      case '1-3':
        return this.onTransmission(messageId, await matchActe(archives, message, receivedFor), (archive) => ({
          transmissionId: archive.transmissionId,
          command: acteAnswerCommand(message, archive.transmissionId, at),
          what: `${message.code} ${message.idActe}`,
        }));
      case 'enveloppe':
        return this.onTransmission(messageId, await matchEnvelope(archives, message, receivedFor), (archive) => ({
          transmissionId: archive.transmissionId,
          command: envelopeAnomalyCommand(message, archive.transmissionId, at),
          what: `envelope anomaly ${message.nature} on ${archive.fileName}`,
        }));
      case '2-1':
      case '3-1':
      case '4-1':
      case '5-1': {
        const match = await matchActe(archives, message, receivedFor);
        const documents = match.kind === 'matched' ? await Promise.all(message.documents.map((document) => this.store(document))) : [];
        return this.onTransmission(messageId, match, async (archive) => ({
          transmissionId: archive.transmissionId,
          command: await this.sealed(letterCommand(message, archive.transmissionId, at, messageId, documents)),
          what: `${message.code} ${message.idActe} (${messageId})`,
        }));
      }
      case '3-5':
      case '4-5':
        return this.onTransmission(messageId, await matchReplyReceipt(messages, message, receivedFor), (reply) => ({
          transmissionId: reply.transmissionId,
          command: replyReceiptCommand(message, reply.transmissionId, reply.exchange, at, messageId),
          what: `${message.code} of the ${reply.code} ${reply.fileName}`,
        }));
      case '6-2':
        return this.onTransmission(messageId, await matchCancellation(cancellations, message.idActe, receivedFor), (cancellation) => ({
          transmissionId: cancellation.transmissionId,
          command: cancellationCommand(message, cancellation.transmissionId, at),
          what: `6-2 ${message.idActe}`,
        }));
      case '7-2': {
        try {
          parseRetourClassification(message.xml);
        } catch (error) {
          if (error instanceof ClassificationFileError) return { kind: 'leave', why: `its classification is unusable: ${error.message}` };
          throw error;
        }
        const wait = await this.classificationWait(message.siren, receivedFor);
        if (wait !== undefined) return wait;
        const stored = await this.resources.blobs.put(Readable.from([Buffer.from(message.xml)]));
        return this.onClassification(classificationCommand(message, at, messageId, stored), `7-2 of ${message.dateClassification}`, messageId);
      }
      case '7-3': {
        const wait = await this.classificationWait(message.siren, receivedFor);
        if (wait !== undefined) return wait;
        return this.onClassification(classificationUnchangedCommand(message, at, messageId), `7-3 (${message.dateClassification} is current)`, messageId);
      }
      default: {
        const unknown: never = message;
        throw new Error(`Unknown préfecture message ${JSON.stringify(unknown)}`);
      }
    }
  }

  /** The letter with its text sealed under the transmission's key (personal data: it may name the acte's person). */
  private async sealed(command: RecordLetter): Promise<RecordLetter> {
    const { transmissionId, text } = command.data;
    return { ...command, data: { ...command.data, text: await this.resources.personalData.sealLetterText(transmissionId, text) } };
  }

  /** A document of a letter, in the blob store; its media type from its bytes. */
  private async store(document: PrefectureDocument): Promise<FileRef> {
    const { sha256, size } = await this.resources.blobs.put(Readable.from([Buffer.from(document.content)]));
    return { sha256, size, name: document.name, mediaType: mediaTypeOf(document.content) };
  }

  /** A 7-2 / 7-3 answering one of our 7-1 waits until that 7-1 is recorded as sent, so that the answer is tied to its request. */
  private async classificationWait(siren: string, receivedFor: string | undefined): Promise<ReplyOutcome | undefined> {
    const request = receivedFor === undefined ? undefined : await this.resources.messages.byFileName(receivedFor);
    if (request?.kind !== 'classification') return undefined;
    const { state } = await this.resources.classifications.load(request.siren);
    const wait = classificationAnswerWait(state, request, siren);
    if (wait === undefined) return undefined;
    return wait.kind === 'wait' ? { kind: 'wait', why: wait.why } : { kind: 'leave', why: wait.why };
  }

  /**
   * Records the command a message means on the transmission it matched. A message the transmission
   * cannot take yet waits for the next poll; one the domain refuses is left for an operator.
   */
  private async onTransmission<T>(
    messageId: string,
    match: Match<T>,
    plan: (found: T) => Plan | Promise<Plan>,
  ): Promise<ReplyOutcome> {
    if (match.kind === 'unmatched') return { kind: 'leave', why: `matches no transmission (${match.why})` };
    const { transmissionId, command, what } = await plan(match.found);
    try {
      const result = await this.resources.commands.execute(command, { causationId: `state-reply:${transmissionId}:${messageId}`, actor: 'transmitter' });
      return { kind: 'recorded', what: `transmission ${transmissionId}: ${what}`, changed: result.events.length > 0 };
    } catch (error) {
      if (isDomainError(error, TransmissionErrorCode.InvalidTransition)) {
        return { kind: 'wait', why: `transmission ${transmissionId} cannot take it yet (${error.message})` };
      }
      if (isDomainError(error)) return { kind: 'leave', why: `transmission ${transmissionId} refuses it: ${error.code} ${error.message}` };
      throw error;
    }
  }

  /** Records a 7-2 / 7-3 in the collectivité's stream; one for a SIREN not registered, or that the domain refuses, is left for an operator. */
  private async onClassification(command: ClassificationCommand, what: string, messageId: string): Promise<ReplyOutcome> {
    const { siren } = command.data;
    try {
      const result = await this.resources.classifications.execute(command, { causationId: `state-reply:collectivite-${siren}:${messageId}`, actor: 'transmitter' });
      return { kind: 'recorded', what: `collectivité ${siren}: ${what}`, changed: result.events.length > 0 };
    } catch (error) {
      if (error instanceof CollectiviteNotFoundError) return { kind: 'leave', why: `no collectivité is registered with SIREN ${siren}` };
      if (isDomainError(error)) return { kind: 'leave', why: `collectivité ${siren} refuses it: ${error.code} ${error.message}` };
      throw error;
    }
  }
}
