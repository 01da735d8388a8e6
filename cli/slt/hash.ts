// The hash classic sqllogictest prints for large results ("30 values hashing to <md5>"): the MD5
// of every value, in result order after sorting, each followed by a newline.

import { createHash } from "node:crypto";

export function hashValues(values: readonly string[]): string {
  const md5 = createHash("md5");
  for (const v of values) {
    md5.update(v);
    md5.update("\n");
  }
  return md5.digest("hex");
}
