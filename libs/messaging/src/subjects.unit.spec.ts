import { describe, expect, it } from '@jest/globals';
import { InvalidNameError } from './errors.js';
import { eventPattern, MessagingNames, namespaceFromEnv, StreamNames, subjectToken } from './subjects.js';

describe('MessagingNames', () => {
  const names = new MessagingNames('relais');

  it('prefixes streams with `<ns>_` and subjects with `<ns>.v1.`', () => {
    expect(names.stream(StreamNames.EVENTS)).toBe('relais_EVENTS');
    expect(names.stream(StreamNames.DLQ)).toBe('relais_DLQ');
    expect(names.durable('acte-projector')).toBe('relais_acte-projector');
    expect(names.event('acte', 'ActeReceived')).toBe('relais.v1.evt.acte.ActeReceived');
    expect(names.allEvents()).toBe('relais.v1.evt.>');
    expect(names.deadLetter('acte-projector')).toBe('relais.v1.dlq.acte-projector');
    expect(names.allDeadLetters()).toBe('relais.v1.dlq.>');
  });

  it('keeps request/reply subjects outside every stream', () => {
    const rpc = names.rpc('actes', 'get');
    expect(rpc).toBe('relais.v1.rpc.actes.get');
    expect(rpc.startsWith('relais.v1.evt.')).toBe(false);
    expect(rpc.startsWith('relais.v1.dlq.')).toBe(false);
  });

  it('turns data into single safe subject tokens', () => {
    expect(subjectToken('acte.received v2')).toBe('acte_received_v2');
    expect(subjectToken('a*b>c')).toBe('a_b_c');
    expect(subjectToken('')).toBe('_');
    expect(names.event('a.b', 'x>')).toBe('relais.v1.evt.a_b.x_');
  });

  it('refuses namespaces and consumers that would break names', () => {
    expect(() => new MessagingNames('re.lais')).toThrow(InvalidNameError);
    expect(() => new MessagingNames('')).toThrow(InvalidNameError);
    expect(() => names.durable('a b')).toThrow(InvalidNameError);
    expect(() => names.deadLetter('a>')).toThrow(InvalidNameError);
  });

  it('resolves filter patterns against the namespace at run time', () => {
    expect(eventPattern()('ns1')).toBe('ns1.v1.evt.>');
    expect(eventPattern('acte')('ns1')).toBe('ns1.v1.evt.acte.*');
    expect(eventPattern('acte', 'ActeReceived')('ns1')).toBe('ns1.v1.evt.acte.ActeReceived');
  });

  it('reads the namespace from RELAIS_NAMESPACE, defaulting to relais', () => {
    expect(namespaceFromEnv({})).toBe('relais');
    expect(namespaceFromEnv({ RELAIS_NAMESPACE: 'staging' })).toBe('staging');
    expect(() => namespaceFromEnv({ RELAIS_NAMESPACE: 'a.b' })).toThrow(InvalidNameError);
  });
});
