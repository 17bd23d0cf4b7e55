// A simulated checkout service for `pnpm demo`: it logs through @cloudsage/pino like a real service
// would, playing the story in phases.mjs: healthy, an incident that builds, a bad deploy with a new
// error, a rollback and recovery, so the dashboard shows the score rise with its labels and fall.
// Env: CLOUDSAGE_ENDPOINT, and either CLOUDSAGE_API_KEY or CLOUDSAGE_DEMO_LOGIN ({ email, password }) to make
// a "Demo shop" project and its key. DEMO_HEALTHY_S / DEMO_INCIDENT_S / DEMO_DEPLOY_S / DEMO_RECOVERY_S set
// the phase lengths.
import pino from 'pino';
import { BANNER, demoRequest, PHASE_START_LINE, phaseAt, phaseLengths, RELEASES } from './phases.mjs';
import { setupProject } from './setup-project.mjs';

const endpoint = process.env.CLOUDSAGE_ENDPOINT ?? 'http://127.0.0.1:3001';
const lengths = phaseLengths(process.env);
const { apiKey, projectId } = await setupProject(endpoint);

const logger = pino({
  base: { service: 'checkout', hostname: 'shop-web-1' },
  transport: { target: '@cloudsage/pino', options: { endpoint, apiKey, projectId } },
});
// One child per release, so every line says which version wrote it.
const byRelease = new Map();
const loggerOf = (version) => {
  if (!byRelease.has(version)) byRelease.set(version, logger.child({ version }));
  return byRelease.get(version);
};

const started = Date.now();
let phase = '';
setInterval(() => {
  const now = phaseAt(Date.now() - started, lengths);
  const log = loggerOf(RELEASES[now.name]);
  if (now.name !== phase) {
    phase = now.name;
    process.stdout.write(`[demo] ${BANNER[phase]}\n`);
    if (PHASE_START_LINE[phase]) log.info(PHASE_START_LINE[phase]);
  }
  for (let i = 0; i < 5; i++) {
    const { level, msg, fields } = demoRequest(now.name, now.progress, Math.random);
    log[level](fields, msg);
  }
}, 100);

const stop = () => {
  logger.flush();
  // pino ends the transport's worker on exit, and its close awaits the final flush.
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
process.stdout.write(`[demo] logging to ${endpoint} (project ${projectId})\n`);
