/**
 * The LLM forecaster: any OpenAI-compatible chat-completions endpoint words the forecast from the
 * same facts and the model's numbers. On a timeout, an error status, a refusal or an answer that
 * fails validation, the built-in forecaster answers with `generatedBy: 'builtin-fallback'` and a
 * note saying why. The numbers always stay the model's: the LLM writes text and actions only.
 */

import { Forecast, ForecastBasis } from '@cloudsage/schema';
import type { FastifyBaseLogger } from 'fastify';
import { z } from 'zod';
import { assembleForecast, builtinForecast } from './builtin-forecaster.js';
import type { ForecastFacts } from './facts.js';
import { forecastHeadline } from './forecast-headline.js';
import { type ForecastNumbers, forecastNumbers } from './forecast-numbers.js';
import type { Forecaster } from './forecaster.js';
import { factsPrompt, SYSTEM_PROMPT } from './llm-prompt.js';
import { CONFIDENCE_LEVELS } from './model/confidence.js';

/** Settings of the LLM forecaster (from CLOUDSAGE_LLM_* in config). */
export interface LlmForecasterOptions {
  /** Base URL (`https://api.openai.com/v1`) or the full `/chat/completions` URL. */
  url: string;
  model?: string | undefined;
  apiKey?: string | undefined;
  log: FastifyBaseLogger;
  /** Whole-request deadline, connect to last byte (default 20 s). */
  timeoutMs?: number;
  /** Longest response body read (default 256 KiB); longer answers count as invalid. */
  maxResponseBytes?: number;
  fetch?: typeof fetch;
}

/** Why the LLM's answer was not used. */
export class LlmFailure extends Error {
  override name = 'LlmFailure';
  constructor(
    readonly reason: 'timeout' | 'network' | 'status' | 'too_large' | 'refusal' | 'invalid',
    message: string,
  ) {
    super(message);
  }
}

const Action = z
  .string()
  .trim()
  .min(15)
  .max(300)
  // A concrete action cites something measured: a count, a time, a template, a name.
  .refine((s) => /\d|`/.test(s), 'an action must cite a number or a template');

/** The answer asked of the model: Forecast's text and actions, and a confidence no higher than the model's. */
export const LlmAnswer = Forecast.pick({ text: true, actions: true })
  .extend({
    text: z.string().trim().min(40).max(1500),
    actions: z.tuple([Action, Action, Action]),
    confidence: ForecastBasis.shape.confidence.optional(),
  })
  .refine((a) => new Set(a.actions.map((s) => s.toLowerCase())).size === 3, 'actions must differ')
  .refine((a) => !/https?:\/\/|javascript:|data:/i.test([a.text, ...a.actions].join(' ')), 'no links');
export type LlmAnswer = z.infer<typeof LlmAnswer>;

const ChatResponse = z.object({
  choices: z
    .array(
      z.object({
        finish_reason: z.string().nullish(),
        message: z.object({ content: z.string().nullish(), refusal: z.string().nullish() }),
      }),
    )
    .min(1),
});

// Control characters other than tab and newline have no place in forecast text.
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Completions URL from a base or full URL. */
export function completionsUrl(url: string): string {
  return /\/chat\/completions\/?$/.test(url) ? url : `${url.replace(/\/+$/, '')}/chat/completions`;
}

/** The JSON object inside a model's content: bare, or in a ``` fence, or surrounded by prose. */
export function extractJson(content: string): unknown {
  const start = content.indexOf('{');
  const end = content.lastIndexOf('}');
  if (start < 0 || end <= start) throw new LlmFailure('invalid', 'no JSON object in the answer');
  try {
    return JSON.parse(content.slice(start, end + 1));
  } catch {
    throw new LlmFailure('invalid', 'the answer is not valid JSON');
  }
}

async function readCapped(res: Response, max: number): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  if (declared > max) {
    await res.body?.cancel().catch(() => {});
    throw new LlmFailure('too_large', `answer of ${declared} bytes`);
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      throw new LlmFailure('too_large', `answer over ${max} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Forecasts through an OpenAI-compatible chat endpoint, falling back to the built-in forecaster.
 *
 * @example
 * const llm = new LlmForecaster({ url: 'http://127.0.0.1:11434/v1', model: 'llama3.1', log });
 * const forecast = await llm.forecast(facts); // generatedBy 'llm' or 'builtin-fallback'
 */
export class LlmForecaster implements Forecaster {
  readonly #o: Required<Omit<LlmForecasterOptions, 'apiKey' | 'model'>> &
    Pick<LlmForecasterOptions, 'apiKey' | 'model'>;

  constructor(options: LlmForecasterOptions) {
    this.#o = { timeoutMs: 20_000, maxResponseBytes: 256 * 1024, fetch: options.fetch ?? fetch, ...options };
  }

  async forecast(facts: ForecastFacts): Promise<Forecast> {
    const n = forecastNumbers(facts);
    try {
      const answer = await this.ask(facts, n);
      const cap = CONFIDENCE_LEVELS.indexOf(n.confidence);
      const said = CONFIDENCE_LEVELS.indexOf(answer.confidence ?? n.confidence);
      // The headline is the model's numbers in one sentence; the LLM words the details and actions
      // (no evidence: its actions are its own, not the ones the evidence was found for).
      return assembleForecast(facts, n, {
        headline: forecastHeadline(facts, n),
        text: answer.text,
        actions: answer.actions,
        generatedBy: 'llm',
        confidence: CONFIDENCE_LEVELS[Math.min(cap, said)]!,
      });
    } catch (err) {
      const reason = err instanceof LlmFailure ? err.reason : 'invalid';
      this.#o.log.warn({ err, projectId: facts.projectId, reason }, 'LLM forecast failed; using the built-in one');
      return builtinForecast(facts, {
        generatedBy: 'builtin-fallback',
        note: `LLM forecast failed (${reason}); built-in forecast used`,
        numbers: n,
      });
    }
  }

  /** One chat completion, validated; throws {@link LlmFailure}. */
  async ask(facts: ForecastFacts, n: ForecastNumbers): Promise<LlmAnswer> {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (this.#o.apiKey) headers.authorization = `Bearer ${this.#o.apiKey}`;
    const request = {
      model: this.#o.model ?? 'gpt-4o-mini',
      temperature: 0.2,
      response_format: { type: 'json_object' },
      messages: [
        { role: 'system', content: SYSTEM_PROMPT },
        { role: 'user', content: factsPrompt(facts, n) },
      ],
    };
    const signal = AbortSignal.timeout(this.#o.timeoutMs);
    let text: string;
    try {
      let res = await this.#post(JSON.stringify(request), headers, signal);
      if (res.status === 400 || res.status === 422) {
        // Some compatible servers refuse `response_format`; ask once more without it (same deadline).
        await res.body?.cancel().catch(() => {});
        const { response_format: _, ...plain } = request;
        res = await this.#post(JSON.stringify(plain), headers, signal);
      }
      if (!res.ok) {
        await res.body?.cancel().catch(() => {});
        throw new LlmFailure('status', `answered ${res.status}`);
      }
      text = await readCapped(res, this.#o.maxResponseBytes);
    } catch (err) {
      if (err instanceof LlmFailure) throw err;
      if (signal.aborted) throw new LlmFailure('timeout', `no answer within ${this.#o.timeoutMs} ms`);
      throw new LlmFailure('network', (err as Error)?.message ?? 'request failed');
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new LlmFailure('invalid', 'the response is not JSON');
    }
    const chat = ChatResponse.safeParse(json);
    if (!chat.success) throw new LlmFailure('invalid', 'not a chat-completions response');
    const choice = chat.data.choices[0]!;
    if (choice.message.refusal || choice.finish_reason === 'content_filter') {
      throw new LlmFailure('refusal', 'the model refused');
    }
    if (!choice.message.content) throw new LlmFailure('invalid', 'empty answer');
    const raw = extractJson(choice.message.content.replace(CONTROL, ''));
    const answer = LlmAnswer.safeParse(raw);
    if (!answer.success) {
      throw new LlmFailure('invalid', `answer does not match the schema: ${answer.error.issues[0]?.message ?? ''}`);
    }
    return answer.data;
  }

  #post(body: string, headers: Record<string, string>, signal: AbortSignal): Promise<Response> {
    return this.#o.fetch(completionsUrl(this.#o.url), { method: 'POST', headers, body, signal, redirect: 'error' });
  }
}
