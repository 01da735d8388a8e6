export { TableStore, SCAN_CHUNK_ROWS, ROW_ID_COLUMN } from "./table-store.js";
export { WriteAheadLog, crc32, type LogRecord } from "./write-ahead-log.js";
export { DataDirectory } from "./data-directory.js";
export { SecretCipher, MASTER_KEY_FILE } from "./secret-cipher.js";
export { KeyValueLog } from "./key-value-log.js";
