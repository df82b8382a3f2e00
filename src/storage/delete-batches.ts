/** R2 deletes at most this many keys per call. */
export const MAX_KEYS_PER_DELETE = 1_000;
/** R2 lists at most this many keys per page. */
export const MAX_KEYS_PER_LIST = 1_000;

/** Deletes `keys` in calls of at most MAX_KEYS_PER_DELETE keys each. */
export async function deleteKeys(
  bucket: R2Bucket,
  keys: string[],
): Promise<void> {
  for (let i = 0; i < keys.length; i += MAX_KEYS_PER_DELETE) {
    await bucket.delete(keys.slice(i, i + MAX_KEYS_PER_DELETE));
  }
}

/**
 * Deletes every object under `prefix`, one list page at a time, and returns
 * how many it deleted.
 */
export async function deletePrefix(
  bucket: R2Bucket,
  prefix: string,
): Promise<number> {
  let deleted = 0;
  let cursor: string | undefined;
  for (;;) {
    const page = await bucket.list({
      prefix,
      limit: MAX_KEYS_PER_LIST,
      cursor,
    });
    const keys = page.objects.map((object) => object.key);
    await deleteKeys(bucket, keys);
    deleted += keys.length;
    if (!page.truncated) return deleted;
    cursor = page.cursor;
  }
}
