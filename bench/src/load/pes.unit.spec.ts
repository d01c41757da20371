import { describe, expect, it } from '@jest/globals';
import { checkPesAller, loadTripletGrid, readPesAller, type PesAllerSummary } from '@relais/pes';
import { chunked } from '@relais/pes/testing';
import { seededRandom } from './corpus.js';
import { kindsInPlay, submissionKind } from './kind.js';
import { drawPes, pesBytes, pesNomFic, type PesToSubmit } from './pes.js';
import { collectivite } from './siren.js';

const NOW = new Date('2026-11-28T10:00:00Z');

describe('drawPes', () => {
  const random = seededRandom(5);
  const tenants = [collectivite(2, 77), collectivite(7, 77), collectivite(13, 77)];
  const drawn = Array.from({ length: 48 }, (_, sequence) => {
    const tenant = tenants[sequence % tenants.length]!;
    return { tenant, pes: drawPes({ random, now: NOW, runTag: 'AB12', sequence, budgets: tenant.body.helios, ville: tenant.ville }) };
  });
  const files = Promise.all(drawn.map(async ({ tenant, pes }) => ({ tenant, pes, bytes: await pesBytes(pes) })));
  const grid = loadTripletGrid();

  it('writes files that pass every operator check for the collectivité’s budgets', async () => {
    for (const { tenant, bytes } of await files) {
      const summary = await readPesAller(chunked(bytes));
      const sirets = tenant.body.helios.map((b) => b.siret);
      const idPosts = tenant.body.helios.map((b) => b.idPost);
      // Default encodings: ISO-8859-1 declared, as S²LOW requires.
      expect(checkPesAller(summary, { sirets, idPosts, triplets: grid })).toEqual([]);
      expect(bytes.toString('latin1').split('\n')[0]).toBe('<?xml version="1.0" encoding="ISO-8859-1"?>');
    }
  });

  it('puts the drawn budget’s identifiers in EnTetePES and the NomFic in the envelope', async () => {
    for (const { tenant, pes, bytes } of await files) {
      const summary = await readPesAller(chunked(bytes));
      expect(tenant.body.helios).toContainEqual(pes.budget);
      expect(summary.enTete).toMatchObject({ idColl: pes.budget.siret, idPost: pes.budget.idPost, codCol: pes.budget.codCol, codBud: pes.budget.codBud, dteStr: '2026-11-28' });
      expect(summary.enTete.libelleColBud?.length).toBeLessThanOrEqual(38);
      expect(summary.enveloppe).toEqual({ version: '1', typFic: 'PESALR2', nomFic: pes.nomFic });
    }
    // Every budget of a collectivité with several gets files.
    const budgetsUsed = new Set(drawn.map(({ pes }) => pes.budget.siret));
    expect(budgetsUsed.size).toBe(tenants.reduce((n, t) => n + t.body.helios.length, 0));
  });

  it('varies shapes and sizes: a few bordereaux, tens of pièces, PJ of tens of KB', async () => {
    const summaries = await Promise.all((await files).map(async ({ pes, bytes }) => ({ pes, bytes, summary: await readPesAller(chunked(bytes)) })));
    expect(new Set(summaries.map(({ pes }) => pes.shape))).toEqual(new Set(['depense', 'recette', 'mixed', 'pj']));
    const pieces = (s: PesAllerSummary): number => s.bordereaux.reduce((n, b) => n + b.pieces.length, 0);
    for (const { pes, summary } of summaries) {
      expect(summary.bordereaux.length).toBeLessThanOrEqual(8);
      expect(pieces(summary)).toBeLessThanOrEqual(4 * 25 + 2 + 3 * 20);
      expect(summary.blocks.depense).toBe(pes.shape === 'depense' || pes.shape === 'mixed');
      expect(summary.blocks.recette).toBe(pes.shape === 'recette' || pes.shape === 'mixed');
      if (pes.shape === 'mixed' || pes.shape === 'pj') expect(summary.pjs.length).toBeGreaterThanOrEqual(1);
      for (const pj of summary.pjs) {
        expect(pj.inflatedBytes).toBeGreaterThanOrEqual(8 * 1024);
        expect(pj.inflatedBytes).toBeLessThanOrEqual(96 * 1024);
      }
    }
    expect(Math.max(...summaries.map(({ summary }) => pieces(summary)))).toBeGreaterThanOrEqual(30);
    expect(Math.max(...summaries.map(({ summary }) => summary.bordereaux.length))).toBeGreaterThanOrEqual(3);
    const sizes = summaries.map(({ bytes }) => bytes.length);
    expect(Math.min(...sizes)).toBeLessThan(20 * 1024);
    expect(Math.max(...sizes)).toBeGreaterThan(100 * 1024);
  });

  it('never repeats a NomFic, a bordereau, a pièce or a PJ in the run', async () => {
    const all = await Promise.all((await files).map(({ bytes }) => readPesAller(chunked(bytes))));
    const nomFics = drawn.map(({ pes }) => pes.nomFic);
    expect(new Set(nomFics).size).toBe(nomFics.length);
    const unique = (values: string[]): void => {
      expect(new Set(values).size).toBe(values.length);
    };
    unique(all.flatMap((s) => s.bordereaux.map((b) => `${b.exer ?? ''}/${b.idBord ?? ''}`)));
    unique(all.flatMap((s) => s.bordereaux.flatMap((b) => b.pieces.map((p) => p.idPce ?? ''))));
    unique(all.flatMap((s) => s.pjs.map((pj) => pj.idUnique ?? '')));
    for (const s of all) for (const b of s.bordereaux) expect(b.idBord).toMatch(/^[0-9]{1,7}$/);
  });

  it('replays the same files from the same seed', async () => {
    const again = (seed: number): PesToSubmit =>
      drawPes({ random: seededRandom(seed), now: NOW, runTag: 'AB12', sequence: 3, budgets: tenants[0]!.body.helios, ville: tenants[0]!.ville });
    expect((await pesBytes(again(9))).equals(await pesBytes(again(9)))).toBe(true);
  });
});

describe('pesNomFic', () => {
  it('names the SIRET, the day, the run and the sequence in 44 characters', () => {
    const name = pesNomFic('21210231300013', NOW, 'K3F9', 35);
    expect(name).toBe('PESALR2_21210231300013_261128_K3F900000Z.xml');
    expect(name).toHaveLength(44);
  });
});

describe('submissionKind', () => {
  it('draws PES files at the share asked for', () => {
    const random = seededRandom(3);
    const kinds = Array.from({ length: 2000 }, () => submissionKind(random, 0.5));
    const pes = kinds.filter((k) => k === 'pes').length;
    expect(pes).toBeGreaterThan(900);
    expect(pes).toBeLessThan(1100);
    expect(Array.from({ length: 2000 }, () => submissionKind(random, 0.1)).filter((k) => k === 'pes').length).toBeLessThan(260);
  });

  it('draws nothing at 0 or 1, so that an actes-only run replays the same actes', () => {
    const random = seededRandom(3);
    const first = seededRandom(3)();
    expect(submissionKind(random, 0)).toBe('acte');
    expect(submissionKind(random, 1)).toBe('pes');
    expect(random()).toBe(first);
  });

  it('lists the kinds a share sends', () => {
    expect(kindsInPlay(0)).toEqual(['acte']);
    expect(kindsInPlay(0.5)).toEqual(['acte', 'pes']);
    expect(kindsInPlay(1)).toEqual(['pes']);
  });
});
