// The backend harness and child-process runner are shared with @cloudsage/pino's tests (test code only).
export type { Backend, FlakyProxy } from '../../../pino/test/support/backend.js';
export { startBackend, startFlakyProxy } from '../../../pino/test/support/backend.js';
export { runApp } from '../../../pino/test/support/run-app.js';
