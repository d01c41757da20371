import { freePort } from '@relais/testing/ports';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** One e-mail the receiver accepted, parsed. */
export interface ReceivedMail {
  readonly messageId: string | undefined;
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
}

/**
 * A real SMTP server on loopback, for the notifier's e-mails: every message it accepts, parsed. While
 * `refuseWith` holds a code (451: try later, 550: never), it refuses each message with it instead.
 */
export class SmtpReceiver {
  readonly mails: ReceivedMail[] = [];
  /** How many messages were refused. */
  refused = 0;
  refuseWith: number | undefined;
  port = 0;
  private server?: SMTPServer;

  get url(): string {
    return `smtp://127.0.0.1:${String(this.port)}`;
  }

  async start(): Promise<void> {
    this.port = await freePort();
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, _session, callback) => {
        void simpleParser(stream).then((mail) => {
          if (this.refuseWith !== undefined) {
            this.refused++;
            callback(Object.assign(new Error(this.refuseWith >= 500 ? 'no such mailbox' : 'try again later'), { responseCode: this.refuseWith }));
            return;
          }
          const to = Array.isArray(mail.to) ? mail.to.map((a) => a.text).join(', ') : (mail.to?.text ?? '');
          this.mails.push({ messageId: mail.messageId, from: mail.from?.text ?? '', to, subject: mail.subject ?? '', text: mail.text ?? '' });
          callback();
        }, callback);
      },
    });
    await new Promise<void>((resolve) => this.server?.listen(this.port, '127.0.0.1', resolve));
  }

  /** The mails accepted for `address`. */
  to(address: string): ReceivedMail[] {
    return this.mails.filter((mail) => mail.to === address);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server?.close(() => {
        resolve();
      });
    });
  }
}
