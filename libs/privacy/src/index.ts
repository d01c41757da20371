/**
 * Personal data in an event log that keeps everything for ever (docs/personal-data.md): each personal
 * field is sealed (AES-256-GCM, `relais:sealed:v1:…`) with a key per transmission kept in
 * `personal_data_keys`, outside the log; destroying the key erases the field wherever the log and its
 * copies hold it, while every event and hash stays as it was (crypto-shredding). Shredding is recorded
 * as PersonalDataShredded, and the retention rule says which transmissions are due.
 */
export { fieldAad, isSealed, KEY_BYTES, newKey, openField, SEALED_PREFIX, sealField } from './sealed-field.js';
export { isPrivacyError, PrivacyError, PrivacyErrorCode } from './privacy.errors.js';
export { KeyRing, type OpenedField } from './key-ring.js';
export { migratePrivacy, PersonalDataKeys, type ShredRequest } from './personal-data-keys.js';
export { CreatePersonalDataKeys1764700000000 } from './migrations/1764700000000-create-personal-data-keys.js';
export { openActe, revealEvent, sealActe, sealPersonalField, type ShownActe, type ShownEvent } from './transmission-fields.js';
export { PersonalData } from './personal-data.js';
export { finishUnfinishedShreds, shredPersonalData, type ShredDependencies, type ShredOutcome } from './shred.js';
export { FINAL_STATUSES, retentionCutoff, shredExpired, type RetentionCandidate, type RetentionPolicy } from './retention.js';
