import { describe, expect, it } from '@jest/globals';
import {
  acteAcknowledged,
  acteSent,
  cancellationRequested,
  cancelled,
  command,
  id,
  letterPdf,
  letterReceived,
  messageSent,
  replyAcknowledged,
  replyPdf,
  replyRequested,
  spec,
  withCode,
} from '../../test/transmission.fixtures.js';
import { TransmissionErrorCode as Code } from './transmission.errors.js';
import { evolve, initialState } from './transmission.state.js';

const letter = (code: '2-1' | '3-1' | '4-1' | '5-1', messageId = 'EACT--PREF021-212102313-20260110-1.tar.gz') =>
  command('RecordLetter', {
    code,
    messageId,
    dateCourrierPref: '2026-01-10',
    text: 'Merci de transmettre le plan.',
    documents: [letterPdf],
  });
const reply = (code: '2-2' | '3-3' | '3-4' | '4-3' | '4-4', exchange = 1, documents = [replyPdf]) =>
  command('RequestReply', { exchange, code, requestedBy: 'token-dijon', documents });
const sentCommand = (code: '2-2' | '3-2' | '3-3' | '3-4' | '4-2' | '4-3' | '4-4' | '6-1', exchange?: number, fileName = 'SLO-EACT--212102313--20260111-2.tar.gz') =>
  command('RecordMessageSent', { code, ...(exchange === undefined ? {} : { exchange }), fileName, sha256: 'd'.repeat(64) });
const receipt = (code: '3-5' | '4-5', exchange = 1) =>
  command('RecordReplyAcknowledgment', { exchange, code, messageId: 'EACT--PREF021-212102313-20260112-3.tar.gz', dateReception: '2026-01-12' });

describe('a letter of the préfecture (2-1, 3-1, 4-1, 5-1)', () => {
  it('opens exchange 1 on an acknowledged acte; a 2-1 or a 5-1 asks for no receipt', () => {
    spec.given(acteAcknowledged).when(letter('2-1')).then([letterReceived('2-1')]);
    spec.given(acteAcknowledged).when(letter('5-1')).then([letterReceived('5-1')]);
  });

  it('asks for the automatic 3-2 / 4-2 receipt in the same decision', () => {
    spec.given(acteAcknowledged).when(letter('3-1')).then([letterReceived('3-1'), replyRequested('3-2')]);
    spec.given(acteAcknowledged).when(letter('4-1')).then([letterReceived('4-1'), replyRequested('4-2')]);
  });

  it('numbers exchanges in the order their letters arrive', () => {
    const second = 'EACT--PREF021-212102313-20260110-2.tar.gz';
    spec.given([...acteAcknowledged, letterReceived('2-1')]).when(letter('5-1', second)).then([letterReceived('5-1', 2, second)]);
  });

  it('records the same message read twice once, and refuses other content under its id', () => {
    spec.given([...acteAcknowledged, letterReceived('2-1')]).when(letter('2-1')).then([]);
    spec.given([...acteAcknowledged, letterReceived('2-1')]).when(letter('4-1')).thenThrows(withCode(Code.ConflictingFact));
  });

  it('waits for the AR: a letter about an acte not acknowledged yet cannot be taken', () => {
    spec.given(acteSent).when(letter('2-1')).thenThrows(withCode(Code.InvalidTransition));
  });
});

describe('the collectivité answering a letter', () => {
  it('answers a 2-1 with a 2-2, a 3-1 with a 3-3 or 3-4, a 4-1 with a 4-3 or 4-4', () => {
    spec.given([...acteAcknowledged, letterReceived('2-1')]).when(reply('2-2')).then([replyRequested('2-2')]);
    const asked = [...acteAcknowledged, letterReceived('3-1'), replyRequested('3-2')];
    spec.given(asked).when(reply('3-3')).then([replyRequested('3-3')]);
    spec.given(asked).when(reply('3-4', 1, [replyPdf, letterPdf])).then([replyRequested('3-4', 1, [replyPdf, letterPdf])]);
    const observed = [...acteAcknowledged, letterReceived('4-1'), replyRequested('4-2')];
    spec.given(observed).when(reply('4-3')).then([replyRequested('4-3')]);
    spec.given(observed).when(reply('4-4')).then([replyRequested('4-4')]);
  });

  it('refuses an answer that does not fit the letter, and any answer to a déféré', () => {
    spec.given([...acteAcknowledged, letterReceived('2-1')]).when(reply('4-4')).thenThrows(withCode(Code.ReplyNotAllowed));
    spec.given([...acteAcknowledged, letterReceived('5-1')]).when(reply('2-2')).thenThrows(withCode(Code.ReplyNotAllowed));
  });

  it('refuses an exchange that does not exist', () => {
    spec.given([...acteAcknowledged, letterReceived('2-1')]).when(reply('2-2', 2)).thenThrows(withCode(Code.ExchangeNotFound));
  });

  it('answers a letter once: the same answer again records nothing, another one is refused', () => {
    const answered = [...acteAcknowledged, letterReceived('3-1'), replyRequested('3-2'), replyRequested('3-4')];
    spec.given(answered).when(reply('3-4')).then([]);
    spec.given(answered).when(reply('3-3')).thenThrows(withCode(Code.ReplyNotAllowed));
  });

  it('counts the documents: one for a 2-2, 3-3, 4-3, 4-4, at least one for a 3-4', () => {
    spec.given([...acteAcknowledged, letterReceived('2-1')]).when(reply('2-2', 1, [])).thenThrows(withCode(Code.InvalidCommand));
    spec.given([...acteAcknowledged, letterReceived('2-1')]).when(reply('2-2', 1, [replyPdf, letterPdf])).thenThrows(withCode(Code.InvalidCommand));
    spec.given([...acteAcknowledged, letterReceived('3-1')]).when(reply('3-4', 1, [])).thenThrows(withCode(Code.InvalidCommand));
  });

  it('refuses to answer for a cancelled acte', () => {
    const gone = [...acteAcknowledged, letterReceived('2-1'), cancellationRequested(), cancelled()];
    spec.given(gone).when(reply('2-2')).thenThrows(withCode(Code.ReplyNotAllowed));
  });
});

describe('sending the answers and the 6-1', () => {
  const asked = [...acteAcknowledged, letterReceived('3-1'), replyRequested('3-2'), replyRequested('3-4')];

  it('records each asked answer sent once; the same archive again records nothing', () => {
    spec.given(asked).when(sentCommand('3-2', 1)).then([messageSent('3-2')]);
    spec.given([...asked, messageSent('3-2')]).when(sentCommand('3-2', 1)).then([]);
  });

  it('refuses a second, different archive for an answer already sent', () => {
    spec
      .given([...asked, messageSent('3-2')])
      .when(sentCommand('3-2', 1, 'SLO-EACT--212102313--20260111-9.tar.gz'))
      .thenThrows(withCode(Code.ConflictingFact));
  });

  it('refuses an answer that was never asked, or no exchange named', () => {
    spec.given(asked).when(sentCommand('3-3', 1)).thenThrows(withCode(Code.InvalidTransition));
    spec.given(asked).when(sentCommand('3-2')).thenThrows(withCode(Code.InvalidCommand));
  });

  it('records the 6-1 sent once a cancellation was asked, and only then', () => {
    spec.given([...acteAcknowledged, cancellationRequested()]).when(sentCommand('6-1')).then([messageSent('6-1')]);
    spec.given(acteAcknowledged).when(sentCommand('6-1')).thenThrows(withCode(Code.InvalidTransition));
  });
});

describe("the préfecture's receipt of the answer (3-5, 4-5)", () => {
  const sentAnswer = [...acteAcknowledged, letterReceived('3-1'), replyRequested('3-2'), replyRequested('3-4'), messageSent('3-4')];

  it('is recorded once the answer was sent, and once only', () => {
    spec.given(sentAnswer).when(receipt('3-5')).then([replyAcknowledged('3-5')]);
    spec.given([...sentAnswer, replyAcknowledged('3-5')]).when(receipt('3-5')).then([]);
  });

  it('waits while the answer is not sent: the automatic 3-2 does not count', () => {
    const onlyReceipt = [...acteAcknowledged, letterReceived('3-1'), replyRequested('3-2'), messageSent('3-2')];
    spec.given(onlyReceipt).when(receipt('3-5')).thenThrows(withCode(Code.InvalidTransition));
  });

  it('refuses the receipt of the other transaction', () => {
    spec.given(sentAnswer).when(receipt('4-5')).thenThrows(withCode(Code.ReplyNotAllowed));
  });
});

describe('the history after the AR', () => {
  it('keeps the exchanges, their answers and receipts, and leaves the status acknowledged', () => {
    const history = [
      ...acteAcknowledged,
      letterReceived('4-1'),
      replyRequested('4-2'),
      messageSent('4-2', 1, 'SLO-EACT--212102313--20260111-2.tar.gz'),
      replyRequested('4-4'),
      messageSent('4-4', 1, 'SLO-EACT--212102313--20260111-3.tar.gz'),
      replyAcknowledged('4-5'),
    ];
    const state = history.reduce(evolve, initialState());
    expect(state.status).toBe('acknowledged');
    if (state.status === 'none') throw new Error('no transmission');
    expect(state.id).toBe(id);
    const [exchange] = state.exchanges;
    expect(exchange?.code).toBe('4-1');
    expect(exchange?.replies.map((r) => [r.code, r.sent?.fileName])).toEqual([
      ['4-2', 'SLO-EACT--212102313--20260111-2.tar.gz'],
      ['4-4', 'SLO-EACT--212102313--20260111-3.tar.gz'],
    ]);
    expect(exchange?.replyReceipt?.code).toBe('4-5');
  });
});
