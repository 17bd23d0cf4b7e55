// The `cloudsage` bin: runs the command line, then exits with its status (open keep-alive sockets and
// standard input must not hold the process).
import { main } from './cli-main.js';

main(process.argv.slice(2)).then(
  (status) => process.exit(status),
  () => process.exit(1),
);
