import { describe, expect, it } from "vitest";
import { hashValues } from "./hash.js";

describe("sqllogictest result hash", () => {
  it("matches a hash from the classic corpus (select1.test line 99)", () => {
    // SELECT CASE WHEN c>(SELECT avg(c) FROM t1) THEN a*2 ELSE b*10 END FROM t1 ORDER BY 1
    // on the table select1.test builds, as SQLite computes it
    const values = [
      "358", "364", "376", "382", "398", "402", "410", "426", "432", "440", "458", "468", "478", "486", "490",
      "1000", "1050", "1120", "1180", "1240", "1290", "1300", "1390", "1430", "1450", "1510", "1580", "1600", "1670", "1700",
    ];
    expect(hashValues(values)).toBe("3c13dee48d9356ae19af2515e05e6b54");
  });

  it("is the md5 of each value followed by a newline", () => {
    expect(hashValues([])).toBe("d41d8cd98f00b204e9800998ecf8427e");
    expect(hashValues(["a", "b"])).toBe(hashValues(["a\nb"]));
  });
});
