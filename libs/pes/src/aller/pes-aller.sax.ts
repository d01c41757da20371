import { SaxesParser } from 'saxes';
import { PesErrorCode, PesReadError } from '../pes.errors.js';
import { pesEncodingOf, type PesEncoding } from '../xml/xml-encoding.js';
import { PesAllerCollector, type CollectedPj } from './pes-aller.collect.js';
import type { PesAllerSummary } from './pes-aller.types.js';
import { PjContentVerification } from './pj-content.verify.js';

/**
 * The SAX side of `readPesAller`, one instance per file: parses decoded text piece by piece with
 * saxes, which keeps no text since no text handler is set; hands tags to the collector; and taps each
 * PJ's `Fichier` content straight from the text pieces into its verification, awaiting zlib between
 * pieces so that decoded bytes never pile up.
 */
export class PesAllerSaxReader {
  private readonly parser = new SaxesParser({ xmlns: true, position: true });
  private readonly collector = new PesAllerCollector();
  /** Local names of the open elements, root first. */
  private readonly stack: string[] = [];
  /** The piece of text being parsed, and the position of its first character in the whole text. */
  private text = '';
  private textStart = 0;
  private rootSeen = false;
  private encoding: PesEncoding = 'UTF-8';
  private declaredEncoding: PesEncoding | undefined;
  /** The PJ content being verified, and whether its text runs on into the next piece. */
  private content: { verification: PjContentVerification; pj: CollectedPj } | undefined;
  private contentRunsOn = false;
  /** Verifications ended within the current piece, whose verdicts are awaited before the next. */
  private finishing: { verification: PjContentVerification; pj: CollectedPj }[] = [];

  constructor(
    private readonly verifyContent: boolean,
    private readonly maxInflatedBytes: number,
  ) {
    const parser = this.parser;
    parser.on('opentag', (tag) => {
      if (this.stack.at(-1) === 'Fichier') this.content?.verification.reject('markup');
      this.stack.push(tag.local);
      if (this.stack.length === 1) this.rootSeen = true;
      const pj = this.collector.open(tag, this.stack, parser.line);
      if (pj !== undefined && this.verifyContent) this.startContent(pj, tag.isSelfClosing);
    });
    parser.on('closetag', () => {
      if (this.stack.at(-1) === 'Fichier' && this.stack.length === 5) this.endContent();
      this.collector.close(this.stack);
      this.stack.pop();
    });
    parser.on('doctype', () => {
      throw doctypeRefusal(parser.line);
    });
    const markup = (): void => {
      if (this.stack.at(-1) === 'Fichier') this.content?.verification.reject('markup');
    };
    parser.on('comment', markup);
    parser.on('cdata', markup);
    parser.on('processinginstruction', markup);
    parser.on('error', (error) => {
      throw new PesReadError(PesErrorCode.MalformedXml, `XML mal formé : ${error.message.replace(/^\d+:\d+: /, '')}`, {
        line: parser.line,
        column: parser.column,
      });
    });
  }

  setEncoding(encoding: PesEncoding, declared: string | undefined): void {
    this.encoding = encoding;
    this.declaredEncoding = declared === undefined ? undefined : pesEncodingOf(declared);
  }

  /** Parses the next piece of text, then lets zlib catch up with the PJ content it was given. */
  async write(text: string): Promise<void> {
    if (text.length === 0) return;
    if (!this.rootSeen) this.refuseDoctype(text);
    if (this.contentRunsOn && this.content !== undefined) {
      const end = text.indexOf('<');
      this.content.verification.push(end === -1 ? text : text.slice(0, end));
      this.contentRunsOn = end === -1;
    }
    this.text = text;
    this.parser.write(text);
    this.textStart += text.length;
    this.text = '';
    await this.settle();
  }

  /** The last text, the end checks of the parser, the last verdicts: the summary. */
  async end(rest: string, bytes: number): Promise<PesAllerSummary> {
    await this.write(rest);
    this.parser.close();
    await this.settle();
    return this.collector.summary(this.encoding, this.declaredEncoding, bytes, this.verifyContent);
  }

  /** Stops every verification still running (the file was refused halfway). */
  abort(): void {
    this.content?.verification.reject('gzip');
    for (const { verification } of this.finishing) verification.reject('gzip');
  }

  private startContent(pj: CollectedPj, selfClosing: boolean): void {
    const verification = new PjContentVerification(this.maxInflatedBytes);
    this.content = { verification, pj };
    if (selfClosing) return;
    // The content starts right after this start tag and runs to the next `<`, maybe pieces later.
    const start = this.parser.position - this.textStart;
    const end = this.text.indexOf('<', start);
    verification.push(end === -1 ? this.text.slice(start) : this.text.slice(start, end));
    this.contentRunsOn = end === -1;
  }

  private endContent(): void {
    if (this.content === undefined) return;
    this.content.verification.end();
    this.finishing.push(this.content);
    this.content = undefined;
    this.contentRunsOn = false;
  }

  private async settle(): Promise<void> {
    if (this.content !== undefined) await this.content.verification.drained();
    const finishing = this.finishing;
    this.finishing = [];
    for (const { verification, pj } of finishing) pj.verdict = await verification.verdict();
  }

  private refuseDoctype(text: string): void {
    const at = text.indexOf('<!DOCTYPE');
    if (at === -1) return;
    let line = this.parser.line;
    for (let i = text.indexOf('\n'); i !== -1 && i < at; i = text.indexOf('\n', i + 1)) line++;
    throw doctypeRefusal(line);
  }
}

function doctypeRefusal(line: number): PesReadError {
  return new PesReadError(PesErrorCode.DoctypeForbidden, 'un DOCTYPE n’est pas accepté dans un fichier PES', { line });
}
