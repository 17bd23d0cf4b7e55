import type { Refusal } from './refusal-gate.js';

/** What the agent does with its backlog while the backend refuses, for the advice to say so. */
export interface RefusalContext {
  endpoint: string;
  projectId?: string | undefined;
  fileMode: boolean;
  keepGoing: boolean;
  /** Standard input's spool directory, if it spools. */
  spoolDir: string | undefined;
  reprobeIntervalMs: number;
}

/**
 * The setting to fix for a refusal, by name: flag, environment variable and config-file key.
 *
 * @example
 * fixFor({ code: 'ingest_unauthorized', status: 401, message: '...' }, context); // 'set the project's ...'
 */
export function fixFor(refusal: Refusal, context: Pick<RefusalContext, 'endpoint' | 'projectId'>): string {
  switch (refusal.code) {
    case 'ingest_unauthorized':
      return refusal.status === 403
        ? 'the API key lacks the ingest scope: set a key with the ingest scope in --api-key or CLOUDSAGE_API_KEY (apiKey in the config file)'
        : 'the backend does not know the API key (mistyped, revoked, or of another backend): set the project’s ingest key in --api-key or CLOUDSAGE_API_KEY (apiKey in the config file)';
    case 'project_not_found':
      return `the backend knows no project ${context.projectId ?? ''} for this key: fix --project or CLOUDSAGE_PROJECT_ID (projectId in the config file), or leave it unset to use the key’s own project`;
    case 'endpoint_not_cloudsage':
      return `${context.endpoint} is not a CloudSage backend (404 for the ingest path): set --endpoint or CLOUDSAGE_ENDPOINT (endpoint in the config file) to the backend’s origin, e.g. http://127.0.0.1:3001`;
  }
}

/**
 * The one message logged when the backend starts refusing: the HTTP answer, the setting to fix, and
 * what happens to the backlog meanwhile.
 *
 * @example
 * refusalMessage(refusal, context); // 'the backend refused the batches (HTTP 401: ...): ... Nothing is lost: ...'
 */
export function refusalMessage(refusal: Refusal, context: RefusalContext): string {
  const every = `${Math.round(context.reprobeIntervalMs / 1000)} s`;
  const head = `the backend refused the batches (HTTP ${refusal.status}: ${refusal.message}): ${fixFor(refusal, context)}.`;
  if (context.fileMode) {
    return context.keepGoing
      ? `${head} Nothing is lost: the checkpoint stays before the first line not sent, and the agent tries again every ${every} (--keep-going).`
      : `${head} Nothing is lost: the checkpoint stays before the first line not sent, and the next start sends from there. Exiting with status 3 (--keep-going would keep trying every ${every}).`;
  }
  const kept = context.spoolDir
    ? `its records are kept in the spool ${context.spoolDir} and sent once the backend takes them (tried every ${every}; a restart with the right setting sends them too)`
    : `its records are held in memory only (--no-spool), up to --buffer-records, and sent once the backend takes them (tried every ${every})`;
  return `${head} Standard input is still copied through; ${kept}. Exit status 3 if the input ends first.`;
}
