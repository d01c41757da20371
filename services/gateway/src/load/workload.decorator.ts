import { SetMetadata } from '@nestjs/common';

/**
 * The kinds of expensive work the gateway bounds: `upload` reads a body into storage (and an archive
 * into memory), `query` reads much of the database.
 */
export type Workload = 'upload' | 'query';

/** Metadata key of {@link Expensive}. */
export const WORKLOAD_KEY = 'relais:workload';

/** Marks a route (or every route of a controller) as taking one slot of `workload` while it runs. */
export const Expensive = (workload: Workload): MethodDecorator & ClassDecorator => SetMetadata(WORKLOAD_KEY, workload);
