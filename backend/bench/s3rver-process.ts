import { startS3rver } from '../test/bucket/s3rver-server.js';

/*
 * s3rver in its own process for the PostgreSQL+S3 bench, so the local S3 server's CPU is neither
 * the backend's nor the load generator's (a real bucket is another machine). Reports its
 * BUCKET_URL over IPC; stops on 'stop'.
 */
const s3 = await startS3rver('bench');
process.send?.({ type: 'ready', bucketUrl: s3.bucketUrl });
process.on('message', async (message) => {
  if (message !== 'stop') return;
  await s3.stop();
  process.exit(0);
});
