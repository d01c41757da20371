import { eventually, sleep, type Platform } from '../platform.js';
import { checkLedger, drain, type LedgerContext, type LedgerReport } from './ledger.js';
import type { SteadyLoad } from './load.js';
import type { PrivateNats, PrivatePostgres } from './servers.js';
import type { FaultsSettings } from './settings.js';
import type { WebhookReceiver } from './webhook-receiver.js';

/** What a scenario needs: the platform, its private servers, the load, the receiver and the ledger's reach. */
export interface FaultsWorld {
  readonly settings: FaultsSettings;
  readonly platform: Platform;
  readonly postgres: PrivatePostgres;
  readonly nats: PrivateNats;
  readonly load: SteadyLoad;
  readonly receiver: WebhookReceiver;
  readonly ledger: LedgerContext;
  /** Progress lines, for the report and a failing test's message. */
  log(line: string): void;
}

/** One scenario: a name, the fault (run while the load runs), and what it did, for the report. */
export interface Scenario {
  readonly name: string;
  readonly fault: (world: FaultsWorld) => Promise<string>;
  /** After the drain, an operator retries what ended `failed` (the outage outlasted the attempts), then the platform drains again. */
  readonly operatorRetries?: boolean;
}

/** What a scenario ran under, did and found. */
export interface ScenarioReport {
  readonly name: string;
  readonly fault: string;
  /** The load during the scenario: submissions sent, accepted, and what the clients met. */
  readonly load: { readonly rate: number; readonly launched: number; readonly accepted: number; readonly transportErrors: number; readonly serverErrors: number; readonly inProgress: number };
  readonly faultMs: number;
  /** Transmissions an operator retried after the fault. */
  readonly retried: number;
  readonly ledger: LedgerReport;
}

/** The services of Relais that the kill rounds SIGKILL; not the State simulator, which plays the State and whose memory is the ledger's evidence. */
export const KILLED_SERVICES = ['validator', 'router', 'transmitter', 'projector', 'audit', 'notifier', 'relay', 'gateway'] as const;

/**
 * Runs a scenario: the steady load alone for a while, the fault under the load, the load on for a
 * while after recovery, then the load stops, the platform drains, and the ledger is checked over every
 * transmission accepted since the suite began.
 */
export async function runScenario(world: FaultsWorld, scenario: Scenario, submittedBefore: number): Promise<ScenarioReport> {
  const { load, settings } = world;
  const before = { ...load.counters };
  load.phase(scenario.name);
  load.start();
  await sleep(settings.leadMs);
  const faultStarted = Date.now();
  world.log(`${scenario.name}: fault begins`);
  const fault = await scenario.fault(world);
  const faultMs = Date.now() - faultStarted;
  world.log(`${scenario.name}: ${fault} (${(faultMs / 1000).toFixed(1)} s); load goes on`);
  await sleep(settings.tailMs);
  await load.stop();
  await world.platform.waitUntilReady(120_000);
  let drainMs = await drain(world.ledger, load.accepted, settings.drainTimeoutMs);
  const retried = scenario.operatorRetries === true ? await retryFailed(world) : 0;
  if (retried > 0) {
    world.log(`${scenario.name}: an operator retried ${retried.toString()} failed transmissions`);
    drainMs += await drain(world.ledger, load.accepted, settings.drainTimeoutMs);
  }
  const ledger = await checkLedger(world.ledger, load.accepted, load.lost, drainMs);
  const after = load.counters;
  world.log(`${scenario.name}: ledger over ${ledger.transmissions.toString()} transmissions, ${ledger.problems.length.toString()} problems`);
  return {
    name: scenario.name,
    fault,
    load: {
      rate: settings.ratePerSecond,
      launched: after.launched - before.launched,
      accepted: load.accepted.length - submittedBefore,
      transportErrors: after.transportErrors - before.transportErrors,
      serverErrors: after.serverErrors - before.serverErrors,
      inProgress: after.inProgress - before.inProgress,
    },
    faultMs,
    retried,
    ledger,
  };
}

/** Waits until `/health` gives `service` a pid other than `old`: the supervisor of npm start brought it back. */
async function restarted(platform: Platform, service: string, old: number): Promise<number> {
  return eventually(
    `relais-${service} to come back after SIGKILL`,
    async () => {
      const pid = await platform.pidOf(service).catch(() => undefined);
      return pid !== undefined && pid !== old && pid;
    },
    60_000,
  );
}

/** SIGKILL every service in turn, `killRounds` times, a kill every `killEveryMs`. */
export const killEachService: Scenario = {
  name: 'SIGKILL each service in turn',
  async fault(world) {
    const { platform, settings } = world;
    let kills = 0;
    const killed = new Map<string, number>();
    for (let round = 1; round <= settings.killRounds; round++) {
      for (const service of KILLED_SERVICES) {
        // The process the previous round killed must be back first (a new pid on /health).
        const pid = await restarted(platform, service, killed.get(service) ?? -1);
        killed.set(service, pid);
        process.kill(pid, 'SIGKILL');
        kills += 1;
        world.log(`round ${round.toString()}: SIGKILL relais-${service} (pid ${pid.toString()})`);
        // The gateway goes last in a round: its /health tells the pids, so the next round waits for it.
        if (service === 'gateway') await restarted(platform, service, pid);
        else await sleep(settings.killEveryMs);
      }
      if (round < settings.killRounds) await sleep(settings.killEveryMs);
    }
    for (const service of KILLED_SERVICES) await eventually(`relais-${service} to be back`, () => platform.pidOf(service), 60_000);
    return `${kills.toString()} SIGKILLs (${settings.killRounds.toString()} rounds over ${KILLED_SERVICES.join(', ')}), one every ${(settings.killEveryMs / 1000).toString()} s`;
  },
};

/** SIGKILL the NATS server, leave it down, start it again on the same store; `natsRestarts` times. */
export const restartNats: Scenario = {
  name: 'NATS killed and restarted',
  async fault(world) {
    const { settings, nats } = world;
    for (let i = 0; i < settings.natsRestarts; i++) {
      await nats.kill();
      world.log(`NATS killed (SIGKILL), down for ${(settings.natsDownMs / 1000).toString()} s`);
      await sleep(settings.natsDownMs);
      await nats.start();
      world.log('NATS started again on the same store');
      if (i < settings.natsRestarts - 1) await sleep(settings.natsDownMs);
    }
    return `nats-server SIGKILLed ${settings.natsRestarts.toString()} time(s), down ${(settings.natsDownMs / 1000).toString()} s each, restarted on the same JetStream store`;
  },
};

/** Stop PostgreSQL at once (as a crash), leave it down, start it again (recovery from the WAL); `postgresRestarts` times. */
export const restartPostgres: Scenario = {
  name: 'PostgreSQL crashed and restarted',
  async fault(world) {
    const { settings, postgres } = world;
    for (let i = 0; i < settings.postgresRestarts; i++) {
      await postgres.crash();
      world.log(`PostgreSQL stopped (immediate), down for ${(settings.postgresDownMs / 1000).toString()} s`);
      await sleep(settings.postgresDownMs);
      await postgres.start();
      world.log('PostgreSQL started again (crash recovery)');
      if (i < settings.postgresRestarts - 1) await sleep(settings.postgresDownMs);
    }
    return `pg_ctl stop -m immediate ${settings.postgresRestarts.toString()} time(s), down ${(settings.postgresDownMs / 1000).toString()} s each, then started`;
  },
};

async function simConfig(platform: Platform, settings: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${platform.simUrl}/sim/config`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(settings) });
  if (response.status !== 200) throw new Error(`/sim/config answered ${response.status.toString()}: ${await response.text()}`);
}

/**
 * The State unavailable (503), then not answering (each attempt times out), then answering late (it
 * took the file, the sender gives up waiting: a delivery in doubt, to be sent again byte for byte),
 * then back. Transmissions whose attempts ran out meanwhile end `failed`; an operator then retries
 * them, as API.md says, and the ledger wants them delivered.
 */
export const simOutage: Scenario = {
  name: 'State unavailable, silent, slow, then back',
  operatorRetries: true,
  async fault(world) {
    const { platform, settings } = world;
    const { sim } = settings;
    await simConfig(platform, { failNext: 1_000_000 });
    world.log(`the State answers 503 for ${(sim.unavailableMs / 1000).toString()} s`);
    await sleep(sim.unavailableMs);
    await simConfig(platform, { failNext: 0, hang: true });
    world.log(`the State stops answering for ${(sim.hangMs / 1000).toString()} s`);
    await sleep(sim.hangMs);
    await simConfig(platform, { hang: false, slowNext: 1_000_000, slowAnswerMs: sim.slowAnswerMs });
    world.log(`the State answers after ${(sim.slowAnswerMs / 1000).toString()} s for ${(sim.slowMs / 1000).toString()} s`);
    await sleep(sim.slowMs);
    await simConfig(platform, { slowNext: 0 });
    world.log('the State is back');
    return `503 for ${(sim.unavailableMs / 1000).toString()} s, no answer for ${(sim.hangMs / 1000).toString()} s, answers ${(sim.slowAnswerMs / 1000).toString()} s late for ${(sim.slowMs / 1000).toString()} s, then back`;
  },
};

/** The webhook receiver away for `webhookDownMs`, then back on the same address. */
export const webhookReceiverDown: Scenario = {
  name: 'webhook receiver away, then back',
  async fault(world) {
    const { settings, receiver } = world;
    await receiver.stop();
    world.log(`webhook receiver stopped for ${(settings.webhookDownMs / 1000).toString()} s`);
    await sleep(settings.webhookDownMs);
    await receiver.resume();
    world.log('webhook receiver back');
    return `receiver away for ${(settings.webhookDownMs / 1000).toString()} s, then listening again on the same port`;
  },
};

/** Retries every `failed` transmission as an operator would (`POST /api/v1/transmissions/{id}/retry`); how many. */
async function retryFailed(world: FaultsWorld): Promise<number> {
  const supervisor = { authorization: `Bearer ${world.ledger.supervisorToken}` };
  let retried = 0;
  for (const s of world.load.accepted) {
    const response = await fetch(`${world.platform.gatewayUrl}/api/v1/transmissions/${s.id}`, { headers: supervisor });
    if (response.status !== 200) continue;
    const { status } = (await response.json()) as { status: string };
    if (status !== 'failed') continue;
    const retry = await fetch(`${world.platform.gatewayUrl}/api/v1/transmissions/${s.id}/retry`, { method: 'POST', headers: supervisor });
    if (retry.status !== 202) throw new Error(`retry of ${s.id} answered ${retry.status.toString()}: ${await retry.text()}`);
    retried += 1;
  }
  return retried;
}

/** The scenarios, in the order they run. */
export const SCENARIOS: readonly Scenario[] = [killEachService, restartNats, restartPostgres, simOutage, webhookReceiverDown];
