import { describe, expect, it } from '@jest/globals';
import { buildClassificationRequestArchive, unpackArchive } from '@relais/actes';
import { decideClassification, evolveClassification, initialClassificationState, type ClassificationCommand, type ClassificationState } from '@relais/domain';
import { classificationRequestInput, dateClassificationOf, requestPlan } from './classification-request.js';

const siren = '212102313';
const at = '2026-01-05T09:00:00.000Z';

function given(commands: readonly ClassificationCommand[]): ClassificationState {
  return commands.reduce((state, command) => decideClassification(command, state).reduce(evolveClassification, state), initialClassificationState());
}

const ask = (requestId: string): ClassificationCommand => ({ type: 'RequestClassification', data: { siren, at, requestId, requestedBy: 'token-dijon' } });
const sent = (requestId: string): ClassificationCommand => ({
  type: 'RecordClassificationRequestSent',
  data: { siren, at, requestId, fileName: 'RLS-EACT--212102313--20260105-1.tar.gz', sha256: 'a'.repeat(64) },
});
const received = (dateClassification: string, messageId: string): ClassificationCommand => ({
  type: 'RecordClassification',
  data: { siren, at, dateClassification, sha256: 'b'.repeat(64), size: 100, messageId },
});
const settings = { operatorTrigram: 'RLS', returnAddress: 'actes-retour@relais.example.org', classificationDate: '2019-03-01' };

describe('requestPlan', () => {
  it('sends a request not sent yet, does nothing for one sent, finds nothing to send for an unknown one', () => {
    const state = given([ask('r-1')]);
    expect(requestPlan(state, siren, 'r-1')).toMatchObject({ kind: 'send', request: { id: 'r-1', dateClassificationHeld: '' } });
    expect(requestPlan(given([ask('r-1'), sent('r-1')]), siren, 'r-1')).toEqual({ kind: 'sent' });
    expect(requestPlan(state, siren, 'r-2')).toEqual({ kind: 'impossible', why: `no classification request r-2 for ${siren}` });
  });
});

describe('dateClassificationOf', () => {
  it('declares the classification held, else the platform default’s date', () => {
    const first = requestPlan(given([ask('r-1')]), siren, 'r-1');
    const later = requestPlan(given([ask('r-1'), sent('r-1'), received('2026-11-01', 'EACT--PREF021-212102313-20260105-1.tar.gz'), ask('r-2')]), siren, 'r-2');
    if (first.kind !== 'send' || later.kind !== 'send') throw new Error('expected requests to send');
    expect(dateClassificationOf(first.request, settings)).toBe('2019-03-01');
    expect(dateClassificationOf(later.request, settings)).toBe('2026-11-01');
  });
});

describe('classificationRequestInput', () => {
  it('builds the 7-1 DPT-SIREN----7-1_1.xml of the collectivité with the date it holds', async () => {
    const plan = requestPlan(given([ask('r-1')]), siren, 'r-1');
    if (plan.kind !== 'send') throw new Error('expected a request to send');
    const archive = await buildClassificationRequestArchive(
      classificationRequestInput({
        collectivite: { siren, departement: '021', arrondissement: '1', nature: '31' },
        request: plan.request,
        dateEnvoi: '2026-01-05',
        sequence: 3,
        settings,
      }),
    );
    expect(archive.name).toBe('RLS-EACT--212102313--20260105-3.tar.gz');
    expect(archive.files.map((file) => file.name)).toEqual(['EACT--212102313--20260105-3.xml', '021-212102313----7-1_1.xml']);
    const files = await unpackArchive(archive.bytes, { maxInflatedBytes: 1 << 20, maxEntries: 10 });
    expect(files[1]?.content.toString('latin1')).toContain('<actes:DateClassification>2019-03-01</actes:DateClassification>');
  });
});
