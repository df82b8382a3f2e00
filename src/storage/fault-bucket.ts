import type { Config } from "../config.ts";

/**
 * Wraps a bucket so that a share of puts fail and the others are delayed.
 * Only configuration switches it on (AUDIO_STORAGE_FAULT_PUT_FAILURE_RATE,
 * AUDIO_STORAGE_FAULT_PUT_DELAY_MS); both default to 0, which returns the
 * bucket unwrapped.
 */
export function withFaults(bucket: R2Bucket, config: Config): R2Bucket {
  const failureRate = config.faultPutFailureRate;
  const delayMs = config.faultPutDelayMs;
  if (failureRate === 0 && delayMs === 0) return bucket;

  const put: R2Bucket["put"] = async (key, value, options) => {
    if (Math.random() < failureRate) {
      throw new Error(`injected fault: put ${key} failed`);
    }
    if (delayMs > 0) {
      await new Promise((resolve) =>
        setTimeout(resolve, delayMs * Math.random()),
      );
    }
    return bucket.put(key, value, options);
  };

  return new Proxy(bucket, {
    get(target, property) {
      if (property === "put") return put;
      const value = Reflect.get(target, property) as unknown;
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
