/**
 * A synthetic year of a GIP's history, appended to a fresh event log with the event store's own
 * appends (so the hash chain and the global order are the real ones), each event stamped with the
 * simulated time it happened. 1,700 collectivités in the eight départements of Bourgogne-Franche-
 * Comté, activity skewed (a few large towns send most); one third actes, two thirds PES files; the
 * rates of rejection, anomaly, NACK, partial acceptance, failure, window waits and failed attempts
 * of a real platform's year. Time advances in ticks; the events of one tick share its timestamp, so
 * latencies are whole numbers of ticks.
 */
import { randomUUID } from 'node:crypto';
import { toStored, type TransmissionEvent } from '@relais/domain';
import { acte, eventsOf, pes } from '@relais/domain/testing';
import { PostgresEventStore, type NewEvent } from '@relais/event-store';
import type pg from 'pg';

export const DEPARTEMENTS = ['021', '025', '039', '058', '070', '071', '089', '090'] as const;

export interface HistoryOptions {
  readonly transmissions: number;
  readonly collectivites: number;
  /** The history ends here (its last tick); it starts 365 days before. */
  readonly end: Date;
  readonly seed: number;
}

export interface HistoryFigures {
  readonly events: number;
  readonly transmissions: number;
  readonly ticks: number;
  readonly seconds: number;
}

const YEAR_MS = 365 * 86_400_000;
const NATURES = ['DE', 'AR', 'AI', 'CC', 'BF', 'AU'] as const;

/** A small deterministic generator: the same seed makes the same year. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

interface Planned {
  readonly streamId: string;
  readonly events: TransmissionEvent[];
}

/** Appends the year; returns how many events it wrote and how long it took. */
export async function appendHistory(pool: pg.Pool, options: HistoryOptions): Promise<HistoryFigures> {
  const rand = random(options.seed);
  const start = options.end.getTime() - YEAR_MS;
  // Ten transmissions a tick on average (26 minutes a tick for 200,000 a year): fewer, larger appends.
  const ticks = Math.ceil(options.transmissions / 10);
  const tickMs = Math.floor(YEAR_MS / ticks);
  let clock = new Date(start);
  const store = new PostgresEventStore(pool, { clock: () => clock, concurrency: 2 });
  const began = Date.now();
  let events = 0;
  try {
    const sirens = Array.from({ length: options.collectivites }, (_, i) => `2${String(10_000_000 + i * 37).padStart(8, '0')}`);
    await Promise.all(
      sirens.map((siren, i) =>
        store.append(`collectivite-${siren}`, 'no_stream', [
          {
            eventId: randomUUID(),
            type: 'relais.collectivite.v1.CollectiviteRegistered',
            data: {
              siren,
              at: clock.toISOString(),
              nom: `Collectivité ${String(i + 1)}`,
              departement: DEPARTEMENTS[i % DEPARTEMENTS.length] ?? '021',
              arrondissement: '1',
              nature: '31',
              registeredBy: 'token:bench',
            },
          },
        ]),
      ),
    );
    events += sirens.length;
    // Later ticks' events of transmissions already received (acknowledgments, answers, cancellations).
    const later = new Map<number, Planned[]>();
    let made = 0;
    for (let tick = 0; tick < ticks; tick++) {
      clock = new Date(start + tick * tickMs);
      const at = clock.toISOString();
      const now: Planned[] = later.get(tick) ?? [];
      later.delete(tick);
      // Arrivals spread evenly over the ticks (a year has no quiet season here).
      const due = Math.round(((tick + 1) * options.transmissions) / ticks);
      for (; made < due; made++) {
        // Zipf-like: the first collectivités (large towns) send most.
        const siren = sirens[Math.floor(sirens.length * rand() ** 2.2)] ?? sirens[0] ?? '';
        const id = randomUUID();
        const plan = lifeOf(id, siren, rand);
        now.push({ streamId: `transmission-${id}`, events: plan.first.map((e) => stamped(e, at)) });
        for (const step of plan.after) {
          const due = tick + step.ticks;
          if (due >= ticks) continue; // still waiting at the end of the year: in flight
          const list = later.get(due) ?? [];
          list.push({ streamId: `transmission-${id}`, events: step.events.map((e) => stamped(e, new Date(start + due * tickMs).toISOString())) });
          later.set(due, list);
        }
      }
      await Promise.all(now.map((p) => store.append(p.streamId, 'any', p.events.map(toNew))));
      for (const p of now) events += p.events.length;
    }
  } finally {
    await store.close();
  }
  return { events, transmissions: options.transmissions, ticks, seconds: (Date.now() - began) / 1000 };
}

function toNew(event: TransmissionEvent): NewEvent {
  const { type, data } = toStored(event);
  return { eventId: randomUUID(), type, data };
}

function stamped(event: TransmissionEvent, at: string): TransmissionEvent {
  return { ...event, data: { ...event.data, at } } as TransmissionEvent;
}

interface Life {
  readonly first: TransmissionEvent[];
  readonly after: { ticks: number; events: TransmissionEvent[] }[];
}

/** What happens to one transmission: its first tick's events, and those of later ticks. */
function lifeOf(id: string, siren: string, rand: () => number): Life {
  const e = eventsOf(id, siren);
  const isPes = rand() < 2 / 3;
  const received = isPes
    ? e.received({ ...pes, nomFic: `PESALR2_${id.slice(0, 8)}.xml` })
    : e.received({ ...acte, numeroInterne: `D${id.slice(0, 8).toUpperCase()}`, nature: NATURES[Math.floor(rand() * NATURES.length)] ?? 'DE' });
  const roll = rand();
  if (roll < 0.03) return { first: [received, e.rejected()], after: [] };
  const first: TransmissionEvent[] = [received, e.validated(), e.routed(isPes ? 'helios' : 'actes')];
  first.push({ type: 'TransmissionPackaged', data: { transmissionId: id, at: '', fileName: `${id}.bin`, sha256: 'a'.repeat(64), size: 20_000 + Math.floor(rand() * 2_000_000) } });
  if (rand() < 0.5) first.push(e.deferred());
  const attempts = rand() < 0.5 ? 1 + Math.floor(rand() * 2) : 0;
  for (let a = 1; a <= attempts; a++) first.push(e.attemptFailed(a));
  if (roll < 0.04) return { first, after: [{ ticks: 1, events: [e.attemptFailed(attempts + 1), e.failed(attempts + 1)] }] };
  first.push(e.sent(attempts + 1));
  // The préfecture answers within the hour or so; the DGFiP by the next day.
  const delay = isPes ? 2 + Math.floor(rand() ** 2 * 60) : 1 + Math.floor(rand() ** 3 * 10);
  if (roll < 0.06) return { first, after: [{ ticks: delay, events: [isPes ? { ...e.nacked(), data: { ...e.nacked().data, source: 'pes_nack', reasonCode: '12' } } : e.nacked()] as TransmissionEvent[] }] };
  if (isPes && roll < 0.1) return { first, after: [{ ticks: delay, events: [e.partiallyAccepted()] }] };
  const after = [{ ticks: delay, events: [isPes ? e.acknowledged({ kind: 'pes', outcomes: [] }) : e.acknowledged()] }];
  if (!isPes && rand() < 0.02) after.push({ ticks: delay + 50, events: [e.cancellationRequested(), e.cancelled()] });
  return { first, after };
}
