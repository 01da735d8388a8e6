// A data directory shared by the tests that need the embedded model, so that the word-vector cache
// is converted once per machine (the conversion is guarded: concurrent test files are safe).

import { tmpdir } from "node:os";
import { join } from "node:path";

export function testDataDir(): string {
  return process.env.SAGE_AI_TEST_DATA_DIR ?? join(tmpdir(), "sage-sql-ai-test-cache");
}
