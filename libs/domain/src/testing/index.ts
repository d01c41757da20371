/**
 * The testing entry of the domain (`@relais/domain/testing`): sample values and event builders for
 * tests in any layer. Pure data; production code does not import it.
 */
export {
  acte,
  acteAck,
  at,
  bordereauAccepted,
  eventsOf,
  idActe,
  invalidObjet,
  letterDocument,
  replyDocument,
  otherSiren,
  pes,
  pesAck,
  pjRefused,
  siren,
} from './transmission.samples.js';
