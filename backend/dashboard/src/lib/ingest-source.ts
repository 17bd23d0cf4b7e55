import {
  type BatchLimits,
  type ClientRejection,
  type IngestBatch,
  JsonBatcher,
  LineBatcher,
} from './ingest-batches.js';
import type { IngestFormat } from './ingest-body.js';
import type { IngestTally } from './ingest-tally.js';

/** What is uploaded: the pasted text, or a chosen or dropped file. */
export type IngestInput = { kind: 'text'; text: string } | { kind: 'file'; file: Blob };

/** The form an upload is read in, and whether NDJSON lines are checked here (the user chose NDJSON). */
export interface ReadPlan {
  form: Exclude<IngestFormat, 'auto'>;
  strictNdjson: boolean;
}

// Text is split a slice at a time, with a turn of the event loop between slices, so that splitting
// 50 MiB never holds the main thread for more than a few milliseconds at once.
const SLICE_CHARS = 128 * 1024;
// JSON values serialized between two turns of the event loop, for the same reason.
const JSON_RUN = 2_000;

/** Gives the browser a turn (input, paint) before going on. */
export const yieldToBrowser = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** The text in slices, never cutting a surrogate pair. */
export async function* textSlices(text: string, sliceChars = SLICE_CHARS): AsyncGenerator<string> {
  for (let start = 0; start < text.length; ) {
    let end = Math.min(text.length, start + sliceChars);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
    yield text.slice(start, end);
    start = end;
  }
}

/** A file's text as it streams, decoded as UTF-8. */
export async function* fileSlices(file: Blob): AsyncGenerator<string> {
  const reader = file.stream().pipeThrough(new TextDecoderStream()).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/** The first 64 KiB of an upload, in whole lines, to guess its body form from. */
export async function sampleOf(input: IngestInput): Promise<string> {
  const whole = input.kind === 'text' ? input.text.length : input.file.size;
  const head = input.kind === 'text' ? input.text.slice(0, 65_536) : await input.file.slice(0, 65_536).text();
  // The sample's last line may be cut short: leave it out unless it is all there is.
  const nl = head.lastIndexOf('\n');
  return nl > 0 && whole > 65_536 ? head.slice(0, nl) : head;
}

/**
 * The batches of an upload, cut as the text is read; refused items go to `tally` as they are met.
 * A JSON document is parsed whole (it has no lines to split on) and sent as arrays of its records.
 */
export async function* batchesOf(
  input: IngestInput,
  plan: ReadPlan,
  limits: BatchLimits,
  tally: IngestTally,
  expectedProjectId?: string,
): AsyncGenerator<IngestBatch> {
  if (plan.form === 'json') {
    yield* jsonBatchesOf(input, limits, tally, expectedProjectId);
    return;
  }
  const batcher = new LineBatcher({ ...limits, form: plan.form, strictNdjson: plan.strictNdjson });
  const reads = input.kind === 'text' ? textSlices(input.text) : fileSlices(input.file);
  for await (const read of reads) {
    // A file's reads can be a few MB each: those are sliced too.
    for await (const slice of textSlices(read)) {
      batcher.push(slice);
      yield* ready(batcher, tally);
      await yieldToBrowser();
    }
  }
  batcher.end();
  yield* ready(batcher, tally);
}

/** The batches a batcher has completed, after counting the lines it refused so far. */
function* ready(
  batcher: { readonly rejections: ClientRejection[]; take(): IngestBatch[] },
  tally: IngestTally,
): Generator<IngestBatch> {
  tally.refused(batcher.rejections.splice(0));
  yield* batcher.take();
}

async function* jsonBatchesOf(
  input: IngestInput,
  limits: BatchLimits,
  tally: IngestTally,
  expectedProjectId: string | undefined,
): AsyncGenerator<IngestBatch> {
  const text = input.kind === 'text' ? input.text : await input.file.text();
  let doc: unknown;
  try {
    doc = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    throw new Error(`The text is not valid JSON: ${(err as Error).message}`);
  }
  let values: unknown[];
  if (Array.isArray(doc)) values = doc;
  else if (doc !== null && typeof doc === 'object' && Array.isArray((doc as { logs?: unknown }).logs)) {
    const named = (doc as { projectId?: unknown }).projectId;
    if (named !== undefined && expectedProjectId !== undefined && named !== expectedProjectId) {
      throw new Error(`The envelope names project ${JSON.stringify(named)}, not this project; nothing was sent.`);
    }
    values = (doc as { logs: unknown[] }).logs;
  } else if (doc !== null && typeof doc === 'object') values = [doc];
  else throw new Error('A JSON body must be an array of records or { "logs": [...] }.');
  const batcher = new JsonBatcher(limits);
  for (let i = 0; i < values.length; i++) {
    batcher.add(values[i]);
    // Now and then a turn for the browser: serializing 50 MiB of records takes a while.
    if (i % JSON_RUN === JSON_RUN - 1) {
      yield* ready(batcher, tally);
      await yieldToBrowser();
    }
  }
  batcher.end();
  yield* ready(batcher, tally);
}
