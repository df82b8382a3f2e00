import { MAX_KEYS_PER_DELETE } from "../../../src/storage/delete-batches.ts";

/** What a CountingBucket saw. */
export interface BucketCalls {
  lists: number;
  /** Keys per delete call, in call order. */
  deletes: number[];
}

/**
 * Wraps a real bucket and records every list and delete call. The local R2
 * accepts deletes of any size, so this wrapper rejects a call with more
 * than 1,000 keys the way R2 does, and the test checks the record too.
 */
export function countingBucket(bucket: R2Bucket): {
  bucket: R2Bucket;
  calls: BucketCalls;
} {
  const calls: BucketCalls = { lists: 0, deletes: [] };
  const wrapped = new Proxy(bucket, {
    get(target, property) {
      if (property === "list") {
        return (options?: R2ListOptions) => {
          calls.lists++;
          return target.list(options);
        };
      }
      if (property === "delete") {
        return (keys: string | string[]) => {
          const count = Array.isArray(keys) ? keys.length : 1;
          calls.deletes.push(count);
          if (count > MAX_KEYS_PER_DELETE) {
            return Promise.reject(
              new Error(
                `delete of ${count} keys exceeds R2's limit of ${MAX_KEYS_PER_DELETE}`,
              ),
            );
          }
          return target.delete(keys);
        };
      }
      const value = Reflect.get(target, property) as unknown;
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { bucket: wrapped, calls };
}
