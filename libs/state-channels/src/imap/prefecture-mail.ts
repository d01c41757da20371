import MailComposer from 'nodemailer/lib/mail-composer';

/** A mail as the préfecture sends its @ctes replies: a few files attached, little or no text. */
export interface PrefectureMail {
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  /** `<id@host>`; nodemailer makes one up when absent. */
  readonly messageId?: string;
  /** The `Date` header; now when absent. */
  readonly date?: Date;
  /** The text part; none when absent or empty. */
  readonly text?: string;
  readonly attachments: readonly {
    readonly name: string;
    readonly content: Uint8Array;
    /** Guessed from the name when absent (`.tar.gz` → `application/x-gzip`, `.xml` → `application/xml`). */
    readonly contentType?: string;
  }[];
}

/**
 * The raw RFC 5322 message of `mail`, for the State simulator to APPEND into the operator's mailbox and
 * for tests: multipart/mixed (a lone attachment without text is the whole message instead), attachments
 * in base64, non-ASCII names in RFC 2231 and RFC 2047, CRLF line ends.
 */
export function composePrefectureMail(mail: PrefectureMail): Promise<Buffer> {
  const composer = new MailComposer({
    from: mail.from,
    to: mail.to,
    subject: mail.subject,
    ...(mail.messageId === undefined ? {} : { messageId: mail.messageId }),
    ...(mail.date === undefined ? {} : { date: mail.date }),
    text: mail.text ?? '',
    attachments: mail.attachments.map((attachment) => ({
      filename: attachment.name,
      content: Buffer.from(attachment.content),
      ...(attachment.contentType === undefined ? {} : { contentType: attachment.contentType }),
    })),
  });
  return composer.compile().build();
}
