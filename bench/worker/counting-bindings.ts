import type { StorageCounts } from "./storage-counts.ts";

/** R2 methods billed as Class A and Class B operations. */
const CLASS_A = new Set([
  "put",
  "list",
  "createMultipartUpload",
  "resumeMultipartUpload",
]);
const CLASS_B = new Set(["get", "head"]);

/**
 * Wraps `target` so that property reads pass through, with functions bound
 * to the real object: runtime objects reject calls whose `this` is a Proxy.
 */
function passThrough<T extends object>(
  target: T,
  override: (property: string | symbol) => unknown,
): T {
  return new Proxy(target, {
    get(object, property) {
      const replaced = override(property);
      if (replaced !== undefined) return replaced;
      const value = Reflect.get(object, property) as unknown;
      return typeof value === "function" ? value.bind(object) : value;
    },
  });
}

function byteLength(value: unknown): number {
  if (typeof value === "string") return new TextEncoder().encode(value).length;
  if (value instanceof ArrayBuffer) return value.byteLength;
  if (ArrayBuffer.isView(value)) return value.byteLength;
  return 0;
}

/** An R2 bucket that counts every billed operation before making it. */
export function countingBucket(
  bucket: R2Bucket,
  counts: StorageCounts,
): R2Bucket {
  return passThrough(bucket, (property) => {
    if (typeof property !== "string") return undefined;
    const method = Reflect.get(bucket, property) as unknown;
    if (typeof method !== "function") return undefined;
    if (!CLASS_A.has(property) && !CLASS_B.has(property)) return undefined;

    return (...args: unknown[]) => {
      if (CLASS_A.has(property)) counts.r2ClassA++;
      else counts.r2ClassB++;
      if (property === "put") {
        counts.r2Puts++;
        counts.r2BytesWritten += byteLength(args[1]);
      }
      if (property === "list") counts.r2Lists++;
      return (method as (...a: unknown[]) => unknown).apply(bucket, args);
    };
  });
}

/**
 * Makes this object's storage count SQLite rows written and `setAlarm`
 * calls. The runtime rejects a wrapped state object in the Durable Object
 * constructor, so the methods are replaced on the real storage objects,
 * which belong to this one object alone. A write statement's cursor is
 * drained here so that `rowsWritten` is final; callers never read rows from
 * INSERT, UPDATE or DELETE statements.
 */
export function countStorage(
  ctx: DurableObjectState,
  counts: StorageCounts,
): void {
  const storage = ctx.storage;
  const sql = storage.sql;
  const exec = sql.exec.bind(sql);
  const setAlarm = storage.setAlarm.bind(storage);

  sql.exec = ((query: string, ...bindings: unknown[]) => {
    const cursor = exec(query, ...bindings);
    if (/^\s*select\b/i.test(query)) return cursor;
    for (const _row of cursor) {
      // Drained for its side effect on rowsWritten.
    }
    if (cursor.rowsWritten > 0) counts.sqliteWriteStatements++;
    counts.sqliteRowsWritten += cursor.rowsWritten;
    return cursor;
  }) as SqlStorage["exec"];
  storage.setAlarm = (time, options) => {
    counts.setAlarmCalls++;
    return setAlarm(time, options);
  };
  if (ctx.storage.sql.exec !== sql.exec) {
    throw new Error(
      "ctx.storage.sql returns a new object on each read, so its calls cannot be counted",
    );
  }
}

/** A Durable Object namespace whose stubs count every RPC call made on them. */
export function countingNamespace<T extends object>(
  namespace: T,
  counts: StorageCounts,
): T {
  const plain = namespace as unknown as DurableObjectNamespace;
  const get = (id: DurableObjectId): object => {
    const stub: object = plain.get(id);
    return new Proxy(stub, {
      get(object, property) {
        const value = Reflect.get(object, property) as unknown;
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          counts.registryCalls++;
          // Reflect.apply: an RPC method stub treats `.apply` as a remote call.
          return Reflect.apply(
            value as (...a: unknown[]) => unknown,
            object,
            args,
          );
        };
      },
    });
  };
  return passThrough(namespace, (property) =>
    property === "get" ? get : undefined,
  );
}
