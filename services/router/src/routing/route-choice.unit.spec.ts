import { describe, expect, it } from '@jest/globals';
import { evolve, initialState, type Transmission } from '@relais/domain';
import { eventsOf, pes } from '@relais/domain/testing';
import { parseRoutingTable } from '@relais/routing';
import type { Collectivite } from '@relais/service-kit';
import { chooseRoute } from './route-choice.js';

const table = parseRoutingTable({
  endpoints: [
    { id: 'pref-021', channel: 'actes', url: 'https://actes.example/021' },
    { id: 'spref-021-2', channel: 'actes', url: 'https://actes.example/021-2' },
    { id: 'helios-021', channel: 'helios', url: 'https://helios.example/021' },
  ],
  rules: [
    { channel: 'actes', departement: '021', endpoint: 'pref-021' },
    { channel: 'actes', departement: '021', arrondissement: '2', endpoint: 'spref-021-2' },
    { channel: 'helios', departement: '021', endpoint: 'helios-021' },
  ],
});

const dijon: Collectivite = {
  siren: '212102313',
  nom: 'Dijon',
  departement: '021',
  arrondissement: '1',
  nature: '31',
  helios: [],
  registeredAt: '2026-01-01T00:00:00.000Z',
  registeredBy: 'admin',
};

function validated(kind: 'acte' | 'pes' = 'acte'): Transmission {
  const events = eventsOf('t-1');
  const state = [events.received(kind === 'acte' ? undefined : pes), events.validated()].reduce(evolve, initialState());
  if (state.status === 'none') throw new Error('no transmission');
  return state;
}

describe('choosing the endpoint of a validated transmission', () => {
  it('sends an acte by its collectivité’s département, the arrondissement’s rule first', () => {
    expect(chooseRoute(table, validated(), dijon)).toMatchObject({ ok: true, channel: 'actes', endpoint: { id: 'pref-021' } });
    expect(chooseRoute(table, validated(), { ...dijon, arrondissement: '2' })).toMatchObject({ ok: true, endpoint: { id: 'spref-021-2' } });
  });

  it('sends a PES file on the Hélios channel', () => {
    expect(chooseRoute(table, validated('pes'), dijon)).toMatchObject({ ok: true, channel: 'helios', endpoint: { id: 'helios-021' } });
  });

  it('says why when no rule matches or the collectivité is unknown', () => {
    expect(chooseRoute(table, validated(), { ...dijon, departement: '075' })).toEqual({
      ok: false,
      code: 'ROUTING.NO_RULE',
      reason: 'transmission t-1: no actes rule of the routing table matches département 075, arrondissement 1 (SIREN 212102313)',
    });
    expect(chooseRoute(table, validated(), undefined)).toMatchObject({ ok: false, code: 'ROUTING.UNKNOWN_COLLECTIVITE' });
  });
});
