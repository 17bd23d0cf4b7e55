import type { Config } from '../../config.js';
import type { Bucket } from './bucket.js';
import { DirBucket } from './dir-bucket.js';
import { parseBucketUrl, S3Bucket } from './s3-bucket.js';

/**
 * Opens the bucket the configuration names: S3 when `BUCKET_URL` is set, else files under
 * `<dataDir>/bucket/`.
 *
 * @example
 * const bucket = openBucket(loadConfig(process.env));
 * await bucket.ping();
 */
export function openBucket(config: Pick<Config, 'bucketUrl' | 'dataDir' | 'bucketCredentials'>): Bucket {
  if (config.bucketUrl) {
    return new S3Bucket({ ...parseBucketUrl(config.bucketUrl), credentials: config.bucketCredentials });
  }
  return new DirBucket(config.dataDir);
}
