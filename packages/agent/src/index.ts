// The public surface of @cloudsage/agent, in one place (STYLE habit 2).
export type { FlagSpec } from './args.js';
export { READ_FLAGS, SHIP_FLAGS } from './args.js';
export { barChart, sparkline } from './chart.js';
export type { CheckpointState, FileState, PendingBatch, PendingRange } from './checkpoint.js';
export { Checkpoint, fileId } from './checkpoint.js';
export { main } from './cli-main.js';
export { formatForecast, formatHistory } from './commands/read.js';
export type { ShipIo } from './commands/ship.js';
export { ship } from './commands/ship.js';
export type { ReadConfig, ShipConfig } from './config.js';
export { ReadConfigSchema, ShipConfigSchema } from './config.js';
export type { AgentErrorCode } from './errors.js';
export { AGENT_ERROR_CODES, AgentError, EXIT_STATUS } from './errors.js';
export type { MultilineMode, RecordHandler } from './multiline.js';
export { MultilineJoiner } from './multiline.js';
export { toRecordLine } from './record.js';
export { expandPattern } from './tail/glob.js';
export { LineSplitter } from './tail/line-splitter.js';
