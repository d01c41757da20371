/*
 * The OpenAPI path item of `GET /metrics`, spread into `openApiDocument.paths`
 * (src/openapi/openapi.document.ts); the same shapes as that document's helpers.
 */
const errors = (description: string): object => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Errors' } } } });

export const metricsOpenApiPaths = {
  '/metrics': {
    get: {
      summary:
        'The platform’s metrics in the Prometheus text format (supervisor, admin; Prometheus sends the token as its bearer): ' +
        'relais_transmissions_total{kind,outcome}, relais_transmission_latency_seconds{kind,metric} (histogram), relais_in_flight{kind,status}, ' +
        'relais_in_flight_oldest_seconds, relais_projection_lag_events{projection}, relais_projection_lag_seconds, ' +
        'relais_consumer_pending_messages{stream,consumer}, relais_consumer_ack_pending, relais_consumer_redelivered, relais_dead_letters{consumer}, ' +
        'relais_metrics_source_up{source} and relais_gateway_* process metrics. A source that does not answer (postgres, nats) leaves its families out and shows 0 in relais_metrics_source_up',
      'x-roles': ['supervisor', 'admin'],
      responses: {
        '200': {
          description: 'The exposition, read at this request',
          content: { 'text/plain; version=0.0.4; charset=utf-8': { schema: { type: 'string' } } },
        },
        '401': errors('No token, or an unknown, revoked or expired one (AUTH.MISSING_TOKEN, AUTH.INVALID_TOKEN)'),
        '403': errors('The role may not make this call (AUTH.FORBIDDEN)'),
        '429': errors('Past 20 requests per second with bursts of 100 for this token (AUTH.RATE_LIMITED); see Retry-After'),
      },
    },
  },
};
