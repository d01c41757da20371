export { certificateValidity, type CertificateStatus, type CertificateValidity, type ValidityDates } from './certificate-validity.js';
export { outcomeOfError, outcomeOfResponse, type ChannelOutcome } from './channel-outcome.js';
export { loadClientIdentity, type ClientCredentials, type ClientIdentity, type ClientIdentityFiles } from './client-identity.js';
export { CHANNEL_ERRORS, ChannelError, type ChannelErrorCode } from './errors.js';
export { postOverMutualTls, type MutualTlsPost } from './mutual-tls-post.js';
export { parseSha256Pin } from './pin.js';
