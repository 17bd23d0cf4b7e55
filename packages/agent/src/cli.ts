// The `cloudsage` bin: runs the command line, then exits with its status (open keep-alive sockets and
// standard input must not hold the process).
import { main } from './cli-main.js';
import { tuneHeap } from './heap-tuning.js';
import { capYoungGeneration } from './young-gen-cap.js';

tuneHeap(process.execArgv, process.env.NODE_OPTIONS);
capYoungGeneration(process.execArgv, process.env.NODE_OPTIONS);
main(process.argv.slice(2)).then(
  (status) => process.exit(status),
  () => process.exit(1),
);
