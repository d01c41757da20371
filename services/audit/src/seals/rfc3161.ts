import { randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { redactedUrl } from '@relais/service-kit';

const SHA256_OID = '2.16.840.1.101.3.4.2.1';
const TST_INFO_OID = '1.2.840.113549.1.9.16.1.4';

/** What went wrong asking a timestamping authority (the seal stays unstamped and is asked again). */
export class TimestampError extends Error {
  constructor(readonly code: 'AUDIT.TSA_UNREACHABLE' | 'AUDIT.TSA_REFUSED' | 'AUDIT.TSA_BAD_ANSWER', message: string) {
    super(message);
    this.name = 'TimestampError';
  }
}

/** The DER TimeStampReq (RFC 3161 §2.4.1) for a SHA-256 digest: version 1, a nonce, the signer's certificate asked for. */
export function timestampRequest(digest: Buffer, nonce: Buffer = randomBytes(8)): Buffer {
  // A positive INTEGER: clear the top bit rather than prepend a zero byte.
  const positive = Buffer.from(nonce);
  positive[0] = (positive[0] ?? 0) & 0x7f || 1;
  const request = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: SHA256_OID, algorithmParams: new asn1js.Null() }),
      hashedMessage: new asn1js.OctetString({ valueHex: new Uint8Array(digest).buffer }),
    }),
    nonce: new asn1js.Integer({ valueHex: new Uint8Array(positive).buffer }),
    certReq: true,
  });
  return Buffer.from(request.toSchema().toBER(false));
}

/**
 * Reads a TimeStampResp: the token (DER ContentInfo) and its genTime, after checking that it was
 * granted and that it stamps `digest` with SHA-256. The signature is checked by whoever relies on the
 * token, with the authority's certificate (`openssl ts -verify`, docs/audit-seals.md).
 */
export function readTimestampResponse(der: Buffer, digest: Buffer): { token: Buffer; genTime: Date } {
  let response: pkijs.TimeStampResp;
  try {
    response = pkijs.TimeStampResp.fromBER(new Uint8Array(der).buffer);
  } catch (error) {
    throw new TimestampError('AUDIT.TSA_BAD_ANSWER', `not a TimeStampResp: ${String(error)}`);
  }
  const status = response.status.status;
  if (status !== pkijs.PKIStatus.granted && status !== pkijs.PKIStatus.grantedWithMods) throw new TimestampError('AUDIT.TSA_REFUSED', `the authority refused the request (PKIStatus ${String(status)})`);
  const token = response.timeStampToken;
  if (!token) throw new TimestampError('AUDIT.TSA_BAD_ANSWER', 'granted, but no timeStampToken');
  const signed = new pkijs.SignedData({ schema: token.content });
  const content = signed.encapContentInfo;
  if (content.eContentType !== TST_INFO_OID || !content.eContent) throw new TimestampError('AUDIT.TSA_BAD_ANSWER', 'the token does not hold a TSTInfo');
  const info = pkijs.TSTInfo.fromBER(content.eContent.getValue());
  const imprint = info.messageImprint;
  if (imprint.hashAlgorithm.algorithmId !== SHA256_OID || !Buffer.from(imprint.hashedMessage.getValue()).equals(digest)) {
    throw new TimestampError('AUDIT.TSA_BAD_ANSWER', 'the token stamps another digest');
  }
  return { token: Buffer.from(token.toSchema().toBER(false)), genTime: info.genTime };
}

/** Asks the authority at `url` to stamp `digest` (HTTP POST, application/timestamp-query, RFC 3161 §3.4). */
export async function requestTimestamp(url: string, digest: Buffer, timeoutMs = 10_000): Promise<{ token: Buffer; genTime: Date }> {
  let answer: Response;
  try {
    answer = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/timestamp-query', accept: 'application/timestamp-reply' },
      body: timestampRequest(digest),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    // The sealer logs this message: never with the user and password the URL may carry (fetch's own
    // error repeats the URL, so the whole message is redacted).
    throw new TimestampError('AUDIT.TSA_UNREACHABLE', redactedUrl(`${url}: ${String(error)}`));
  }
  if (!answer.ok) throw new TimestampError('AUDIT.TSA_UNREACHABLE', `${redactedUrl(url)} answered ${answer.status.toString()}`);
  return readTimestampResponse(Buffer.from(await answer.arrayBuffer()), digest);
}
