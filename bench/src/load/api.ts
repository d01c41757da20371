/** The few calls of API.md the load generator makes, over the global fetch of Node 20. */

/** A transmission as `GET /api/v1/transmissions[/{id}]` shows it: only what the report reads. */
export interface TransmissionSnapshot {
  readonly id: string;
  readonly status: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly acknowledgedAt: string | undefined;
  readonly errorCodes: readonly string[];
}

/** `GET /sim/stats`. */
export interface SimStats {
  readonly received: number;
  readonly retries: number;
  readonly duplicates: number;
  readonly conflicts: number;
  readonly byKind?: unknown;
}

export interface HttpAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly retryAfterMs: number | undefined;
}

/** A call that answered with an unexpected status, or could not be made. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The first `errors[].code` of an API.md 4xx body. */
export function errorCode(body: unknown): string | undefined {
  const errors = record(body)?.['errors'];
  return Array.isArray(errors) ? text(record(errors[0])?.['code']) : undefined;
}

/** Reads a transmission view; undefined when the shape is not the one of API.md. */
export function snapshotOf(value: unknown): TransmissionSnapshot | undefined {
  const view = record(value);
  const id = text(view?.['id']);
  const status = text(view?.['status']);
  const createdAt = text(view?.['createdAt']);
  if (view === undefined || id === undefined || status === undefined || createdAt === undefined) return undefined;
  const errors = view['errors'];
  return {
    id,
    status,
    createdAt,
    updatedAt: text(view['updatedAt']) ?? createdAt,
    acknowledgedAt: text(record(view['acknowledgment'])?.['at']),
    errorCodes: Array.isArray(errors) ? errors.map((e) => text(record(e)?.['code']) ?? 'UNKNOWN') : [],
  };
}

/** Why a fetch failed without an answer: the system error code when there is one. */
export function networkReason(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError' || error.name === 'AbortError') return 'timeout';
    const cause = record((error as { cause?: unknown }).cause);
    return text(cause?.['code']) ?? text(cause?.['name']) ?? error.name;
  }
  return 'unknown';
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class Api {
  constructor(
    readonly gateway: string,
    readonly sim: string,
    private readonly timeoutMs = 30_000,
  ) {}

  /** One HTTP call; a network failure throws (see {@link networkReason}). */
  async call(
    url: string,
    init: { method?: string; token?: string; json?: unknown; body?: FormData | Uint8Array; headers?: Record<string, string> } = {},
  ): Promise<HttpAnswer> {
    const headers: Record<string, string> = { accept: 'application/json', ...init.headers };
    if (init.token !== undefined) headers['authorization'] = `Bearer ${init.token}`;
    let body: string | FormData | Uint8Array | undefined = init.body;
    if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.json);
    }
    const response = await fetch(url, {
      method: init.method ?? (body === undefined ? 'GET' : 'POST'),
      headers,
      body,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const raw = await response.text();
    let parsed: unknown = raw;
    try {
      parsed = raw === '' ? undefined : JSON.parse(raw);
    } catch {
      // Not JSON: kept as text for messages.
    }
    const retryAfter = Number(response.headers.get('retry-after'));
    return { status: response.status, body: parsed, retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined };
  }

  /**
   * A call retried on 429, 502-504 and network failures (with Retry-After or a growing pause), for
   * set-up and polling, never for submissions (whose failures the report counts).
   */
  async patient(url: string, init: Parameters<Api['call']>[1] = {}, attempts = 8): Promise<HttpAnswer> {
    let last: unknown;
    for (let attempt = 0; attempt < attempts; attempt++) {
      try {
        const answer = await this.call(url, init);
        if (answer.status !== 429 && (answer.status < 502 || answer.status > 504)) return answer;
        last = new ApiError(`${url}: ${answer.status}`, answer.status, errorCode(answer.body));
        await sleep(answer.retryAfterMs ?? Math.min(250 * 2 ** attempt, 5000));
      } catch (error) {
        last = error;
        await sleep(Math.min(250 * 2 ** attempt, 5000));
      }
    }
    throw last instanceof Error ? last : new Error(String(last));
  }

  /** `GET /health`: the status and body, or undefined when nothing answers. */
  async health(): Promise<HttpAnswer | undefined> {
    try {
      return await this.call(`${this.gateway}/health`);
    } catch {
      return undefined;
    }
  }

  /** Registers a collectivité: true when created, false when the SIREN existed (409). */
  async registerCollectivite(adminToken: string, spec: unknown): Promise<boolean> {
    const answer = await this.patient(`${this.gateway}/api/v1/admin/collectivites`, { token: adminToken, json: spec });
    if (answer.status === 201 || answer.status === 200) return true;
    if (answer.status === 409) return false;
    throw unexpected('POST /api/v1/admin/collectivites', answer);
  }

  /** Creates a token and returns its secret. */
  async createToken(adminToken: string, body: { role: string; siren?: string }): Promise<string> {
    const answer = await this.patient(`${this.gateway}/api/v1/admin/tokens`, { token: adminToken, json: body });
    const token = text(record(answer.body)?.['token']);
    if ((answer.status === 201 || answer.status === 200) && token !== undefined) return token;
    throw unexpected(`POST /api/v1/admin/tokens (${body.role})`, answer);
  }

  /** `POST /api/v1/actes`: the answer as is (the caller counts the statuses). Throws on network failure. */
  async submitActe(token: string, form: FormData, idempotencyKey: string): Promise<HttpAnswer> {
    return this.call(`${this.gateway}/api/v1/actes`, { token, body: form, headers: { 'idempotency-key': idempotencyKey } });
  }

  /** `POST /api/v1/pes` with a PES_Aller as the body: the answer as is. Throws on network failure. */
  async submitPes(token: string, file: Uint8Array, idempotencyKey: string): Promise<HttpAnswer> {
    return this.call(`${this.gateway}/api/v1/pes`, { token, body: file, headers: { 'content-type': 'application/xml', 'idempotency-key': idempotencyKey } });
  }

  /** One page of `GET /api/v1/transmissions`, newest first. */
  async listTransmissions(
    token: string,
    query: { kind?: string; status?: string; limit: number; after?: string },
  ): Promise<{ items: TransmissionSnapshot[]; next: string | undefined }> {
    const params = new URLSearchParams({ limit: String(query.limit) });
    if (query.kind !== undefined) params.set('kind', query.kind);
    if (query.status !== undefined) params.set('status', query.status);
    if (query.after !== undefined) params.set('after', query.after);
    const answer = await this.patient(`${this.gateway}/api/v1/transmissions?${params.toString()}`, { token });
    const body = record(answer.body);
    const items = body?.['items'];
    if (answer.status !== 200 || !Array.isArray(items)) throw unexpected('GET /api/v1/transmissions', answer);
    return {
      items: items.map(snapshotOf).filter((s): s is TransmissionSnapshot => s !== undefined),
      next: text(body?.['next']),
    };
  }

  /** `GET /api/v1/transmissions/{id}`; undefined on 404 (not projected yet, or unknown). */
  async getTransmission(token: string, id: string): Promise<TransmissionSnapshot | undefined> {
    const answer = await this.patient(`${this.gateway}/api/v1/transmissions/${encodeURIComponent(id)}`, { token });
    if (answer.status === 404) return undefined;
    const snapshot = snapshotOf(answer.body);
    if (answer.status !== 200 || snapshot === undefined) throw unexpected('GET /api/v1/transmissions/{id}', answer);
    return snapshot;
  }

  /** When `TransmissionAcknowledged` was recorded, from `GET /api/v1/transmissions/{id}/events`. */
  async acknowledgedAt(token: string, id: string): Promise<string | undefined> {
    const answer = await this.patient(`${this.gateway}/api/v1/transmissions/${encodeURIComponent(id)}/events`, { token });
    const items = record(answer.body)?.['items'];
    if (answer.status !== 200 || !Array.isArray(items)) return undefined;
    const ack = items.map(record).find((e) => e?.['type'] === 'TransmissionAcknowledged');
    return text(ack?.['recordedAt']);
  }

  /** `GET /sim/stats`, or undefined when the simulator does not answer. */
  async simStats(): Promise<SimStats | undefined> {
    try {
      const answer = await this.call(`${this.sim}/sim/stats`);
      const body = record(answer.body);
      const n = (name: string): number | undefined => (typeof body?.[name] === 'number' ? body[name] : undefined);
      const [received, retries, duplicates, conflicts] = [n('received'), n('retries'), n('duplicates'), n('conflicts')];
      if (answer.status !== 200 || received === undefined || retries === undefined || duplicates === undefined || conflicts === undefined) {
        return undefined;
      }
      return { received, retries, duplicates, conflicts, byKind: body?.['byKind'] };
    } catch {
      return undefined;
    }
  }
}

function unexpected(call: string, answer: HttpAnswer): ApiError {
  const detail = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? null);
  return new ApiError(`${call} answered ${answer.status}: ${detail.slice(0, 300)}`, answer.status, errorCode(answer.body));
}
