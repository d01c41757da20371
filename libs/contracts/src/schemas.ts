import { createRegistry, type DescMessage, type Registry } from '@bufbuild/protobuf';
import { file_relais_transmission_v1_commands } from './gen/relais/transmission/v1/commands_pb.js';
import { file_relais_transmission_v1_events } from './gen/relais/transmission/v1/events_pb.js';
import { file_relais_transmission_v2_events } from './gen/relais/transmission/v2/events_pb.js';

/*
 * Read from the generated file descriptors rather than listed by hand: events.proto and commands.proto
 * hold nothing but events and commands, so a message added there is listed without anyone remembering to.
 */

/**
 * The schema of every event type, every version (docs/event-versioning.md); an event's stored type is
 * its schema's `typeName`. Writers use the latest version of each; readers read all of them.
 */
export const eventSchemas: readonly DescMessage[] = [...file_relais_transmission_v1_events.messages, ...file_relais_transmission_v2_events.messages];

/** The schema of every command type. */
export const commandSchemas: readonly DescMessage[] = file_relais_transmission_v1_commands.messages;

/**
 * Finds an event's schema by its type name (`relais.transmission.v1.TransmissionReceived`), for a
 * consumer that decodes events it does not know statically: `fromJson(registry.getMessage(type), data)`.
 */
export const eventRegistry: Registry = createRegistry(...eventSchemas);

/** Finds a command's schema by its type name (`relais.transmission.v1.SubmitActe`). */
export const commandRegistry: Registry = createRegistry(...commandSchemas);
