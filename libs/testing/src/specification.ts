import { expect } from '@jest/globals';

/** The shape of a decider: commands in, events out; state folded from events. */
export interface DeciderLike<Command, Event, State> {
  readonly decide: (command: Command, state: State) => readonly Event[];
  readonly evolve: (state: State, event: Event) => State;
  readonly initialState: () => State;
}

/**
 * Given/when/then for a decider:
 * `DeciderSpecification.for(decider).given([...events]).when(command).then([...expected])`,
 * or `.thenThrows(check)` for a refused command.
 */
export const DeciderSpecification = {
  for<Command, Event, State>(decider: DeciderLike<Command, Event, State>) {
    return {
      given(events: readonly Event[]) {
        return {
          when(command: Command) {
            const run = () => decider.decide(command, events.reduce(decider.evolve, decider.initialState()));
            return {
              then(expected: readonly Event[]): void {
                expect(run()).toEqual(expected);
              },
              thenThrows(check: (error: unknown) => void): void {
                let thrown: unknown;
                try {
                  run();
                } catch (error) {
                  thrown = error;
                }
                expect(thrown).toBeDefined();
                check(thrown);
              },
            };
          },
        };
      },
    };
  },
};

/** The shape of a projection over a sequence of events. */
export interface ProjectionLike<Event, ReadModel> {
  readonly evolve: (model: ReadModel, event: Event) => ReadModel;
  readonly initialState: () => ReadModel;
}

/** Given/then for a projection: `ProjectionSpecification.for(p).given([...events]).then(model)`. */
export const ProjectionSpecification = {
  for<Event, ReadModel>(projection: ProjectionLike<Event, ReadModel>) {
    return {
      given(events: readonly Event[]) {
        const model = events.reduce(projection.evolve, projection.initialState());
        return {
          then(expected: ReadModel): void {
            expect(model).toEqual(expected);
          },
          thenMatches(check: (model: ReadModel) => void): void {
            check(model);
          },
        };
      },
    };
  },
};
