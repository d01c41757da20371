import { describe, expect, it } from '@jest/globals';
import { unavailableDependency } from './unavailable-dependency.js';

const pgError = (code: string, message = 'server says no'): Error => Object.assign(new Error(message), { code, severity: 'FATAL' });
const socketError = (code: string): Error => Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code });
const named = (name: string): Error => Object.assign(new Error(name), { name });

describe('unavailableDependency', () => {
  it('puts a pool that cannot give a connection, a refused or broken socket, and a server shutting down on the database', () => {
    expect(unavailableDependency(new Error('timeout exceeded when trying to connect'))).toBe('database');
    expect(unavailableDependency(new Error('Connection terminated unexpectedly'))).toBe('database');
    expect(unavailableDependency(socketError('ECONNREFUSED'))).toBe('database');
    expect(unavailableDependency(new AggregateError([socketError('ECONNREFUSED')], 'every address refused'))).toBe('database');
    expect(unavailableDependency(pgError('57P01', 'terminating connection due to administrator command'))).toBe('database');
    expect(unavailableDependency(pgError('57P03', 'the database system is starting up'))).toBe('database');
    expect(unavailableDependency(pgError('53300', 'sorry, too many clients already'))).toBe('database');
    expect(unavailableDependency(pgError('08006'))).toBe('database');
  });

  it('finds the reason down a cause chain, as the event store wraps what it met', () => {
    const wrapped = new Error('append failed', { cause: new Error('batch failed', { cause: socketError('ECONNRESET') }) });
    expect(unavailableDependency(wrapped)).toBe('database');
  });

  it('puts the NATS client’s connection and timeout errors on the broker', () => {
    for (const name of ['ClosedConnectionError', 'ConnectionError', 'TimeoutError', 'NoRespondersError']) {
      expect(unavailableDependency(named(name))).toBe('broker');
    }
  });

  it('leaves errors about the request itself alone: a constraint broken, a syntax error, a bug', () => {
    expect(unavailableDependency(pgError('23505', 'duplicate key value'))).toBeUndefined();
    expect(unavailableDependency(pgError('42601', 'syntax error'))).toBeUndefined();
    // A SQLSTATE-looking code on something that is not a server error.
    expect(unavailableDependency(Object.assign(new Error('x'), { code: '08006' }))).toBeUndefined();
    expect(unavailableDependency(new TypeError('undefined is not a function'))).toBeUndefined();
    expect(unavailableDependency('a string')).toBeUndefined();
    expect(unavailableDependency(null)).toBeUndefined();
  });

  it('stops on a cause that loops back on itself', () => {
    const looping: Error & { cause?: unknown } = new Error('loop');
    looping.cause = looping;
    expect(unavailableDependency(looping)).toBeUndefined();
  });
});
