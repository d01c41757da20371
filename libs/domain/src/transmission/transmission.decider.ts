import type { TransmissionCommand } from './transmission.commands.js';
import { decide } from './transmission.decide.js';
import type { TransmissionEvent } from './transmission.events.js';
import { evolve, initialState, type TransmissionState } from './transmission.state.js';

/** The shape every decider has: commands in, events out, state folded from events. */
export interface Decider<Command, Event, State> {
  readonly decide: (command: Command, state: State) => readonly Event[];
  readonly evolve: (state: State, event: Event) => State;
  readonly initialState: () => State;
}

/**
 * A transmission's life cycle. A handler loads the stream, folds it with `evolve` from
 * `initialState()`, calls `decide` and appends what it returns (nothing, for a repeated fact).
 */
export const transmissionDecider: Decider<TransmissionCommand, TransmissionEvent, TransmissionState> = {
  decide,
  evolve,
  initialState,
};
