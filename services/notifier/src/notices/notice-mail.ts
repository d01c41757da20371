/**
 * The e-mail a named user receives about an event, in French: which transmission (its numéro interne
 * or file name, never the objet), its new status or the préfecture's message with what it means, when,
 * and where to follow it. Pure.
 */
import type { PrefectureMessageType, TransmissionStatus } from '@relais/domain';
import type { NoticeEvent, NoticeRecipient, NoticeRole } from './notice-plan.js';

/** An e-mail ready to queue: the same bytes on every attempt. */
export interface NoticeMail {
  readonly messageId: string;
  readonly subject: string;
  readonly text: string;
}

/** What the e-mail needs from the settings. */
export interface NoticeMailSettings {
  /** The sender, whose domain names the Message-ID. */
  readonly from: string;
  /** Where the platform's pages answer, without a trailing slash. */
  readonly publicUrl: string;
}

/** Each status, as "La transmission est …" ends. */
export const STATUS_FR: Readonly<Record<TransmissionStatus, string>> = {
  received: 'reçue',
  validated: 'validée par les contrôles de Relais',
  routed: 'aiguillée, en attente d’envoi',
  sent: 'envoyée, en attente de l’accusé de réception',
  acknowledged: 'acquittée (l’accusé de réception est arrivé)',
  rejected: 'refusée par les contrôles de Relais, sans avoir été envoyée',
  nacked: 'refusée par l’État',
  partially_accepted: 'acceptée en partie par la DGFiP (des bordereaux ou des pièces sont refusés)',
  failed: 'en échec (l’envoi a été abandonné après plusieurs essais)',
  cancelled: 'annulée (la préfecture a accusé réception de l’annulation)',
};

/** Each message of the préfecture, by its @ctes code (DOMAIN.md §1.3). */
export const MESSAGE_FR: Readonly<Record<PrefectureMessageType, string>> = {
  '1-2': 'accusé de réception de l’acte (1-2)',
  '1-3': 'anomalie, l’acte est refusé (1-3)',
  'anomalie-enveloppe': 'anomalie d’enveloppe, l’envoi est refusé',
  '2-1': 'courrier simple (2-1)',
  '3-1': 'demande de pièces complémentaires (3-1)',
  '3-5': 'accusé de réception de la réponse à la demande de pièces complémentaires (3-5)',
  '4-1': 'lettre d’observations (4-1)',
  '4-5': 'accusé de réception de la réponse à la lettre d’observations (4-5)',
  '5-1': 'déféré au tribunal administratif (5-1)',
  '6-2': 'accusé de réception de l’annulation (6-2)',
};

/** The page each role follows transmissions on. */
const PAGE: Readonly<Record<NoticeRole, string>> = { collectivite: '/app', supervisor: '/dashboard', admin: '/dashboard', auditor: '/audit' };

const PARIS = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long', timeStyle: 'short' });

/**
 * The notice of `event` to `recipient`. Its Message-ID is derived from the event and the user, so the
 * one e-mail keeps one identity even if a crash between sending and recording makes it go twice.
 */
export function noticeMail(event: NoticeEvent, recipient: NoticeRecipient, settings: NoticeMailSettings): NoticeMail {
  const what = event.kind === 'acte' ? 'L’acte' : 'Le flux PES';
  // The préfecture's message says more than the status it may bring (the AR: acknowledged).
  const headline = event.messageType !== undefined ? MESSAGE_FR[event.messageType] : event.status !== undefined ? STATUS_FR[event.status] : 'nouvel événement';
  const domain = settings.from.split('@')[1] ?? 'relais.invalid';
  const at = new Date(event.at);
  return {
    messageId: `<notice.${event.eventId}.${recipient.userId}@${domain}>`,
    subject: `[Relais] ${event.kind === 'acte' ? 'Acte' : 'Flux PES'} ${event.label} (SIREN ${event.siren}) : ${headline}`,
    text: [
      'Bonjour,',
      '',
      event.messageType === undefined
        ? `${what} ${event.label} de la collectivité ${event.siren} a changé d’état.`
        : `La préfecture a envoyé un message au sujet de l’acte ${event.label} de la collectivité ${event.siren}.`,
      '',
      ...(event.messageType === undefined ? [] : [`Message de la préfecture : ${MESSAGE_FR[event.messageType]}`]),
      ...(event.status === undefined ? [] : [`État de la transmission : ${STATUS_FR[event.status]}`]),
      `Le ${PARIS.format(at)} (heure de Paris), ${at.toISOString()}`,
      `Transmission : ${event.transmissionId}`,
      '',
      `Pour la suivre : ${settings.publicUrl}${PAGE[recipient.role]}`,
      '',
      'Vous recevez ce message parce que vous avez demandé à être prévenu(e) de cet état ou de ce message dans Relais ;',
      'vos choix se modifient par PUT /api/v1/users/me/notices.',
    ].join('\n'),
  };
}
