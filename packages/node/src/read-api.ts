import { ErrorBody, Feedback, FeedbackRequest, Forecast, MeResponse, Project, RiskHistory } from '@cloudsage/schema';
import { z } from 'zod';
import { CloudSageError, codeForStatus } from './errors.js';
import { type HttpClient, RequestTimeoutError, withTimeout } from './http.js';

/** What the read API needs from the client. */
export interface ReadContext {
  http: HttpClient | undefined;
  apiKey: string | undefined;
  projectId: string | undefined;
  requestTimeoutMs: number;
  signal: AbortSignal;
}

/** `getRiskHistory()` options. */
export interface RiskHistoryOptions {
  /** Days back from now (default 30). */
  days?: number;
  /** Defaults to the client's `projectId`, else the API key's project. */
  projectId?: string;
}

/** `sendFeedback()` input: the feedback, and optionally the project (defaults as for the forecast). */
export type SendFeedbackInput = FeedbackRequest & { projectId?: string };

// `GET /api/projects` answers a list; an envelope `{ projects }` is accepted too.
const ProjectList = z.union([z.array(Project), z.object({ projects: z.array(Project) }).transform((o) => o.projects)]);
// Feedback may be answered bare or as `{ feedback }`.
const FeedbackAnswer = z.union([Feedback, z.object({ feedback: Feedback }).transform((o) => o.feedback)]);

async function call<T>(
  ctx: ReadContext,
  method: 'GET' | 'POST',
  path: string,
  schema: z.ZodType<T>,
  body?: unknown,
): Promise<T> {
  if (!ctx.http || !ctx.apiKey) throw new CloudSageError('no_endpoint', 'the read API needs endpoint and apiKey');
  if (ctx.signal.aborted) throw new CloudSageError('closed', 'the client was shut down');
  const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${ctx.apiKey}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const http = ctx.http;
  let res: Awaited<ReturnType<HttpClient['request']>>;
  try {
    res = await withTimeout(ctx.requestTimeoutMs, ctx.signal, (signal) =>
      http.request({ method, path, headers, signal, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }),
    );
  } catch (err) {
    if (err instanceof RequestTimeoutError) throw new CloudSageError('timeout', err.message, { cause: err });
    if (ctx.signal.aborted) throw new CloudSageError('closed', 'the client was shut down', { cause: err });
    throw new CloudSageError('network_error', `${method} ${path} failed: ${(err as Error)?.message}`, { cause: err });
  }
  let json: unknown;
  try {
    json = res.body === '' ? undefined : JSON.parse(res.body);
  } catch {
    json = undefined;
  }
  if (res.status < 200 || res.status >= 300) {
    const parsed = ErrorBody.safeParse(json);
    const message = parsed.success ? parsed.data.error.message : `${method} ${path} answered ${res.status}`;
    throw new CloudSageError(codeForStatus(res.status), message, {
      status: res.status,
      ...(parsed.success ? { serverCode: parsed.data.error.code, details: parsed.data.error.details } : {}),
    });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new CloudSageError('invalid_response', `${method} ${path} answered a body that does not match the schema`, {
      status: res.status,
      details: parsed.error.issues,
    });
  }
  return parsed.data;
}

/**
 * The read API: forecasts, risk history, projects and feedback, each answer validated with the schema.
 * A project id defaults to the client's `projectId`, else to the project of the API key
 * (`GET /api/auth/me`, asked once).
 *
 * @example
 * const api = new ReadApi(ctx);
 * const forecast = await api.getForecast();
 */
export class ReadApi {
  private keyProject: Promise<string> | undefined;

  constructor(private readonly ctx: ReadContext) {}

  private project(explicit: string | undefined): Promise<string> {
    if (explicit !== undefined) {
      if (typeof explicit !== 'string' || explicit.length === 0) {
        return Promise.reject(new CloudSageError('invalid_argument', 'projectId must be a non-empty string'));
      }
      return Promise.resolve(explicit);
    }
    if (this.ctx.projectId) return Promise.resolve(this.ctx.projectId);
    this.keyProject ??= call(this.ctx, 'GET', '/api/auth/me', MeResponse).then((me) => {
      if ('key' in me) return me.key.projectId;
      throw new CloudSageError('no_project', 'no projectId given and the credential is not a project API key');
    });
    // A failed lookup is not cached: the next call asks again.
    this.keyProject.catch(() => {
      this.keyProject = undefined;
    });
    return this.keyProject;
  }

  async getForecast(projectId?: string): Promise<Forecast> {
    const id = await this.project(projectId);
    return call(this.ctx, 'GET', `/api/forecast/${encodeURIComponent(id)}`, Forecast);
  }

  async getRiskHistory(options: RiskHistoryOptions = {}): Promise<RiskHistory> {
    const days = options.days ?? 30;
    if (!Number.isInteger(days) || days < 1 || days > 3650) {
      throw new CloudSageError('invalid_argument', 'days must be an integer from 1 to 3650');
    }
    const id = await this.project(options.projectId);
    return call(this.ctx, 'GET', `/api/risk-history/${encodeURIComponent(id)}?days=${days}`, RiskHistory);
  }

  listProjects(): Promise<Project[]> {
    return call(this.ctx, 'GET', '/api/projects', ProjectList as z.ZodType<Project[]>);
  }

  async sendFeedback(input: SendFeedbackInput): Promise<Feedback> {
    const { projectId, ...rest } = input ?? ({} as SendFeedbackInput);
    const body = FeedbackRequest.safeParse(rest);
    if (!body.success) {
      throw new CloudSageError(
        'invalid_argument',
        `invalid feedback: ${body.error.issues.map((i) => i.message).join('; ')}`,
      );
    }
    const id = await this.project(projectId);
    return call(
      this.ctx,
      'POST',
      `/api/forecast/${encodeURIComponent(id)}/feedback`,
      FeedbackAnswer as z.ZodType<Feedback>,
      body.data,
    );
  }
}
