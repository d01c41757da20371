import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { buffer } from 'node:stream/consumers';
import { pesFileName, pMsg } from '@relais/pes';
import { pesAllerBuffer, pesAllerShapes } from '@relais/pes/testing';
import { listPesRetours } from '@relais/service-kit';
import { waitFor } from '@relais/service-kit/testing';
import { HELIOS_BUDGET, Platform, ofType, only, SIREN } from '../../test/harness.js';

/** The DGFiP's returns, read from the simulated server by the running transmitter. */
describe('relais-transmitter PES returns', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await Platform.start();
    await platform.startTransmitter();
  });

  afterAll(async () => {
    await platform.close();
  });

  beforeEach(async () => {
    await platform.sim.reset();
    await platform.sim.configure({ pesPartialRate: 0, pesNackRate: 0, pesNonAcquitRate: 0, pesErrorCode: null });
  });

  it('records a PES_Acquit refusing some elements as partially accepted, each refused element with its anomaly', async () => {
    await platform.sim.configure({ pesPartialRate: 1 });
    const { id } = await platform.routedPes('PES_RET_0001.xml');
    await platform.settled(id, 'partially_accepted');

    const { outcomes } = only(await platform.events(id), 'TransmissionPartiallyAccepted').data;
    expect(outcomes.map((outcome) => outcome.element)).toEqual([
      { kind: 'bordereau', exercice: 2026, numBord: '101' },
      { kind: 'bordereau', exercice: 2026, numBord: '102' },
      { kind: 'bordereau', exercice: 2026, numBord: '201' },
      { kind: 'pj', idUnique: 'PJ-2026-0001' },
      { kind: 'pj', idUnique: 'PJ-2026-0002' },
    ]);
    const refused = outcomes.filter((outcome) => !outcome.accepted);
    const accepted = outcomes.filter((outcome) => outcome.accepted);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    for (const outcome of accepted) expect(outcome.errors).toEqual([]);
    for (const outcome of refused) {
      const code = outcome.element.kind === 'pj' ? 'ERREUR_PJ' : 'ERREUR_CODIFICATION';
      expect(outcome.errors).toEqual([{ code, message: 'Élément refusé (simulation : pesPartialRate).' }]);
    }
    expect(await platform.sim.pesReturns()).toEqual([]);
  });

  it('records a PES_Acquit refusing every element as the refusal of the file, under the first anomaly’s code', async () => {
    await platform.sim.configure({ pesNackRate: 1, pesErrorCode: 'ERREUR_SIGNATURE_INVALIDE' });
    const { id } = await platform.routedPes('PES_RET_0002.xml');
    await platform.settled(id, 'nacked');

    const nacked = only(await platform.events(id), 'TransmissionNacked').data;
    expect(nacked).toMatchObject({ transmissionId: id, source: 'pes_nack', reasonCode: 'ERREUR_SIGNATURE_INVALIDE' });
    expect(nacked.detail).toContain('bordereau 101 (2026): ERREUR_SIGNATURE_INVALIDE Élément refusé (simulation : pesNackRate).');
    expect(nacked.detail).toContain('PJ PJ-2026-0002: ERREUR_SIGNATURE_INVALIDE');
    expect(await platform.sim.pesReturns()).toEqual([]);
  });

  it('records a PES_NonAcquit as the refusal of the file, with its code and label', async () => {
    await platform.sim.configure({ pesNonAcquitRate: 1 });
    const { id } = await platform.routedPes('PES_RET_0003.xml');
    await platform.settled(id, 'nacked');

    const events = await platform.events(id);
    expect(only(events, 'TransmissionNacked').data).toMatchObject({
      source: 'pes_nack',
      reasonCode: 'ERREUR_SIRET',
      detail: 'ERREUR_SIRET Fichier refusé (simulation : pesNonAcquitRate).',
    });
    expect(ofType(events, 'TransmissionAcknowledged')).toEqual([]);
    expect(await platform.sim.pesReturns()).toEqual([]);
  });

  it('records a PES_Retour for the collectivité whose SIRET it names, its bytes kept', async () => {
    const sent = await platform.sim.pesRetour({ siret: HELIOS_BUDGET.siret, idPost: HELIOS_BUDGET.idPost, codCol: HELIOS_BUDGET.codCol });
    const [retour] = await waitFor('the PES_Retour recorded', async () => {
      const retours = await listPesRetours(platform.store, SIREN);
      return retours.length === 1 && retours;
    });
    expect(retour).toMatchObject({
      siren: SIREN,
      siret: HELIOS_BUDGET.siret,
      fileName: sent.fileName,
      nomFic: sent.fileName,
      idPost: HELIOS_BUDGET.idPost,
      codCol: HELIOS_BUDGET.codCol,
    });
    const bytes = await buffer(await platform.blobs.get(retour!.sha256));
    expect(bytes.length).toBe(retour!.size);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(retour!.sha256);
    expect(bytes.toString('latin1')).toContain(`<IdColl V="${HELIOS_BUDGET.siret}"/>`);
    await waitFor('the PES_Retour acknowledged on the server', async () => (await platform.sim.pesReturns()).length === 0);
    // Read once, recorded once.
    expect(await listPesRetours(platform.store, SIREN)).toHaveLength(1);
  });

  it('leaves on the server a PES_Retour for no registered collectivité, and an acquittal of no file of ours, logged once', async () => {
    const stranger = '21349999900017';
    const retour = await platform.sim.pesRetour({ siret: stranger });
    // Another operator's file, acknowledged into the same server.
    const base = pesAllerShapes.depense();
    const foreign = await pesAllerBuffer({ ...base, nomFic: 'PES_AUTRUI_0001.xml', enTete: { ...base.enTete, idColl: stranger } });
    const foreignName = pesFileName(stranger, '2026-01-05', 1);
    expect(await platform.sim.depositPes(foreignName, pMsg(base.enTete.codCol ?? '', base.enTete.idPost ?? '', base.enTete.codBud), foreign)).toBe(200);
    await waitFor('the foreign acquittal on the server', async () => (await platform.sim.pesReturns()).length === 2);

    // A file of ours answered after both: once it is recorded, the poller has read past them.
    const { id } = await platform.routedPes('PES_RET_0004.xml');
    await platform.settled(id, 'acknowledged');
    await waitFor('our acquittal acknowledged on the server', async () => (await platform.sim.pesReturns()).length === 2);

    const left = await platform.sim.pesReturns();
    expect(left.map((item) => item.kind).sort()).toEqual(['PES_Acquit', 'PES_Retour']);
    expect(left.find((item) => item.kind === 'PES_Acquit')?.receivedFor).toBe(foreignName);
    expect(left.find((item) => item.kind === 'PES_Retour')?.fileName).toBe(retour.fileName);
    // Logged once for the server (the lossy endpoint reaches the same one under another address).
    const lines = platform.logger.lines.filter((line) => line.includes(`on ${platform.sim.url} `));
    const aboutRetour = lines.filter((line) => line.includes(retour.fileName) && line.includes('no collectivité is registered with SIREN 213499999'));
    const aboutAcquit = lines.filter((line) => line.includes('PES_AUTRUI_0001.xml') && line.includes('matches no transmission'));
    expect(aboutRetour).toHaveLength(1);
    expect(aboutAcquit).toHaveLength(1);
    expect(await listPesRetours(platform.store, '213499999')).toEqual([]);
  });

  it('is safe with several replicas: each PES file leaves once under one name and is answered once', async () => {
    await platform.startTransmitter();
    const files = await Promise.all(Array.from({ length: 4 }, (_, i) => platform.routedPes(`PES_REP_000${i}.xml`)));
    for (const file of files) await platform.settled(file.id, 'acknowledged');
    for (const file of files) {
      const events = await platform.events(file.id);
      expect(ofType(events, 'TransmissionPackaged')).toHaveLength(1);
      expect(ofType(events, 'TransmissionAcknowledged')).toHaveLength(1);
    }
    expect((await platform.sim.stats()).byKind.pes).toMatchObject({ received: 4, duplicates: 0, conflicts: 0 });
    expect(await platform.sim.pesReturns()).toEqual([]);
  });
});
