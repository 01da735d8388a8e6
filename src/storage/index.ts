export { TableStore, SCAN_CHUNK_ROWS, ROW_ID_COLUMN } from "./table-store.js";
