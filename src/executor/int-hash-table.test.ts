import { describe, expect, it } from "vitest";
import { IntHashTable } from "./int-hash-table.js";

describe("IntHashTable", () => {
  it("agrees with a Map under random inserts and deletes", () => {
    const t = new IntHashTable(4);
    const m = new Map<number, number>();
    let seed = 7;
    const rnd = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) | 0;
      return seed;
    };
    for (let step = 0; step < 20000; step++) {
      const k = rnd() % 300;
      if (m.has(k) && (rnd() & 1) === 0) {
        t.delete(k);
        m.delete(k);
      } else if (!m.has(k)) {
        t.set(k, step);
        m.set(k, step);
      }
      expect(t.get(k)).toBe(m.get(k) ?? -1);
    }
    for (let k = -300; k < 300; k++) expect(t.get(k)).toBe(m.get(k) ?? -1);
    expect(t.size).toBe(m.size);
    t.set(-2147483648, 1);
    t.set(2147483647, 2);
    expect([t.get(-2147483648), t.get(2147483647)]).toEqual([1, 2]);
  });
});
