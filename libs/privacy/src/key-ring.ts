import { fieldAad, isSealed, openField } from './sealed-field.js';

/** What one field reads as: its text (opened, or plain from before sealing), or why there is none. */
export type OpenedField =
  | { readonly ok: true; readonly text: string }
  /** `shredded`: the subject's key was destroyed. `no_key`: there never was one (the key store does not match the log). */
  | { readonly ok: false; readonly reason: 'shredded' | 'no_key' };

/**
 * The keys of some subjects, read at once (one query for a whole batch or page), opening their fields
 * without further I/O. A subject maps to its key, to null once shredded, or is absent without a key.
 */
export class KeyRing {
  constructor(private readonly keys: ReadonlyMap<string, Uint8Array | null>) {}

  /** A ring with no key: plain values pass, sealed ones read as `no_key`. */
  static empty(): KeyRing {
    return new KeyRing(new Map());
  }

  /**
   * `text` of `field` of `subjectId` as it reads: a plain value as it is, a sealed one opened.
   * @throws PrivacyError `PRIVACY.SEALED_FIELD_UNREADABLE` when the sealed value does not open with the subject's key
   */
  open(subjectId: string, field: string, text: string): OpenedField {
    if (!isSealed(text)) return { ok: true, text };
    const key = this.keys.get(subjectId);
    if (key === undefined) return { ok: false, reason: 'no_key' };
    if (key === null) return { ok: false, reason: 'shredded' };
    return { ok: true, text: openField(key, text, fieldAad(subjectId, field)) };
  }

  /** `text` as it reads, or null when it cannot be read any more (shredded, or no key). */
  reveal(subjectId: string, field: string, text: string): string | null {
    const opened = this.open(subjectId, field, text);
    return opened.ok ? opened.text : null;
  }
}
