import { describe, expect, it } from '@jest/globals';
import { readConfig } from './config.js';

describe('readConfig', () => {
  it('gives every setting its default', () => {
    const config = readConfig({ RELAIS_ROUTING_FILE: '/etc/relais/routing.json' });
    expect(config).toMatchObject({
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/relais',
      natsUrl: 'nats://127.0.0.1:4222',
      namespace: 'relais',
      routingFile: '/etc/relais/routing.json',
      deliveryTimeoutMs: 15_000,
      maxAttempts: 8,
      ackWaitMs: 25_000,
      operatorTrigram: 'RLS',
      classificationDate: '2019-03-01',
      timeZone: 'Europe/Paris',
    });
    // The broker allows more deliveries than attempts, and one delay per attempt, doubling to the cap.
    expect(config.retry.maxDeliver).toBeGreaterThan(config.maxAttempts);
    expect(config.retry.backoffMs).toEqual([2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 120_000, 120_000]);
  });

  it('reads the delivery settings', () => {
    const config = readConfig({
      TRANSMITTER_DELIVERY_TIMEOUT_MS: '1000',
      TRANSMITTER_MAX_ATTEMPTS: '3',
      TRANSMITTER_RETRY_INITIAL_MS: '100',
      TRANSMITTER_RETRY_MAX_MS: '250',
      TRANSMITTER_ACK_WAIT_MS: '5000',
      RELAIS_OPERATOR_TRIGRAM: 'SLO',
    });
    expect(config).toMatchObject({ deliveryTimeoutMs: 1_000, maxAttempts: 3, ackWaitMs: 5_000, operatorTrigram: 'SLO' });
    expect(config.retry.backoffMs).toEqual([100, 200, 250]);
  });

  it('refuses an ack wait over 30 s, a timeout that outlasts it, and names every bad setting at once', () => {
    expect(() => readConfig({ TRANSMITTER_ACK_WAIT_MS: '60000' })).toThrow('TRANSMITTER_ACK_WAIT_MS must be a whole number from 1000 to 30000');
    expect(() => readConfig({ TRANSMITTER_ACK_WAIT_MS: '10000', TRANSMITTER_DELIVERY_TIMEOUT_MS: '10000' })).toThrow(
      'TRANSMITTER_DELIVERY_TIMEOUT_MS (10000) must be below TRANSMITTER_ACK_WAIT_MS (10000)',
    );
    let message = '';
    try {
      readConfig({ RELAIS_OPERATOR_TRIGRAM: 'RELAIS', RELAIS_ACTES_RETURN_ADDRESS: 'nobody', TRANSMITTER_TIME_ZONE: 'Mars/Olympus' });
    } catch (error) {
      message = error instanceof Error ? error.message : '';
    }
    expect(message).toContain('RELAIS_OPERATOR_TRIGRAM must be 3 letters');
    expect(message).toContain('RELAIS_ACTES_RETURN_ADDRESS is not an address');
    expect(message).toContain('TRANSMITTER_TIME_ZONE is not a known time zone');
  });
});
