export { TableStore, SCAN_CHUNK_ROWS, ROW_ID_COLUMN, type TableDelta } from "./table-store.js";
export { WriteAheadLog, crc32, type LogRecord } from "./write-ahead-log.js";
export { LogSegments } from "./log-segments.js";
export { CHECKPOINT_MANIFEST, CheckpointStore, type CheckpointManifest } from "./checkpoint-store.js";
export { DataDirectory, DATA_DIRECTORY_MARKER } from "./data-directory.js";
export { SecretCipher, MASTER_KEY_FILE, PENDING_MASTER_KEY_FILE, keyFromText, writeKeyFile } from "./secret-cipher.js";
export { KeyValueLog } from "./key-value-log.js";
export { AuditFile, AUDIT_FILE, type AuditRecord } from "./audit-file.js";
