/** Billable storage and request events one session object caused. */
export interface StorageCounts {
  /** R2 Class A operations: put, list and multipart calls. */
  r2ClassA: number;
  /** R2 Class B operations: get and head. */
  r2ClassB: number;
  /** R2 puts alone, a subset of Class A. */
  r2Puts: number;
  /** R2 list calls alone, a subset of Class A. */
  r2Lists: number;
  /** SQLite rows written, as the cursor's `rowsWritten` reports them. */
  sqliteRowsWritten: number;
  /** SQLite statements that wrote at least one row. */
  sqliteWriteStatements: number;
  /** `setAlarm` calls, each billed as one row written. */
  setAlarmCalls: number;
  /** `alarm()` invocations, each billed as one request. */
  alarms: number;
  /** Incoming WebSocket messages, billed at 20 per request. */
  webSocketMessages: number;
  /** Bytes of R2 objects written. */
  r2BytesWritten: number;
  /** RPC calls to the registry object, each billed as a request there. */
  registryCalls: number;
}

export function emptyCounts(): StorageCounts {
  return {
    r2ClassA: 0,
    r2ClassB: 0,
    r2Puts: 0,
    r2Lists: 0,
    sqliteRowsWritten: 0,
    sqliteWriteStatements: 0,
    setAlarmCalls: 0,
    alarms: 0,
    webSocketMessages: 0,
    r2BytesWritten: 0,
    registryCalls: 0,
  };
}
