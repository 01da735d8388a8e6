// sage-plugin-hello: an example sage-sql plugin. Load it with
//   sage-sql serve --plugin sage-plugin-hello        (after `npm install sage-plugin-hello`)
//   Database.open({ plugins: ["sage-plugin-hello"] })
// It adds
//   * a connector 'ticker': CREATE STREAM prices (seq BIGINT, symbol TEXT, price DOUBLE PRECISION)
//       WITH (connector = 'ticker', ticker.symbols = 'ACME,INIT', ticker.count = 100);
//     a deterministic price walk per symbol; `ticker.count` rows, then the stream is exhausted
//     (0 = endless); `ticker.rows_per_second` paces it (0 = as fast as possible).
//   * a model provider 'echo': CREATE MODEL e WITH (provider = 'echo', task = 'embedding', dimensions = 4)
//     embeds a text as letter statistics; with task = 'generation' it answers "hello, <prompt>".
// Nothing here imports sage-sql: a plugin is plain objects with the documented shapes.

/** The next value of a small deterministic generator (xorshift32) from `state`. */
function step(state) {
  let x = state | 0;
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  return x >>> 0;
}

function ticker(options, columns) {
  const symbols = (options["ticker.symbols"] ?? "ACME").split(",").map((s) => s.trim()).filter((s) => s !== "");
  const count = Number(options["ticker.count"] ?? "0");
  const rowsPerSecond = Number(options["ticker.rows_per_second"] ?? "0");
  if (!Number.isInteger(count) || count < 0) throw new Error(`ticker.count must be a whole number, not "${options["ticker.count"]}"`);
  const names = columns.map((c) => c.name);
  let seq = 0;
  const rowAt = (n) => {
    const symbol = symbols[n % symbols.length];
    const r = step(n * 2654435761 + 1);
    const price = 100 + (r % 10000) / 100;
    const values = { seq: BigInt(n + 1), symbol, price };
    return names.map((name) => values[name] ?? null);
  };
  return {
    rowsPerSecond,
    next(maxRows) {
      if (count > 0 && seq >= count) return null;
      const end = count > 0 ? Math.min(count, seq + maxRows) : seq + maxRows;
      const rows = [];
      for (; seq < end; seq++) rows.push(rowAt(seq));
      return rows;
    },
    offset: () => seq,
    seek(offset) {
      seq = Number(offset);
    },
  };
}

function echo(definition) {
  const dims = definition.dimensions ?? 4;
  return {
    remote: false,
    async embed(inputs) {
      return {
        vectors: inputs.map((text) => {
          const v = new Float32Array(dims);
          for (let i = 0; i < text.length; i++) v[text.charCodeAt(i) % dims] += 1;
          return v;
        }),
      };
    },
    async generate(prompt) {
      return { text: `hello, ${prompt}` };
    },
  };
}

export const connectors = { ticker };
export const modelProviders = { echo };
export default { connectors, modelProviders };
