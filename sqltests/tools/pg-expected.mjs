#!/usr/bin/env node
// pg-expected.mjs — fill in / verify the expected results of sqllogictest (.slt)
// files by running them against a real PostgreSQL 15 through `psql`.
//
// Usage:
//   node sqltests/tools/pg-expected.mjs [--check] [--quiet] FILE_OR_DIR...
//
//   (default)  rewrite each file in place: every `query` record gets its type
//              string and results from PostgreSQL (rows sorted for rowsort).
//   --check    do not write; report records whose expected results differ from
//              what PostgreSQL prints (exit 1 if any).
//
// In both modes every `statement ok` must succeed, every `statement error RE` /
// `query error RE` must fail with a message matching RE (a JavaScript regex,
// searched, not anchored), and every `query` must succeed; violations are
// reported and make the exit status 1.
//
// Connection: the usual libpq environment (PGHOST, PGPORT, PGUSER); defaults
// 127.0.0.1:55432 user postgres (see tools/pg-server.sh). Each file runs in a
// fresh database created from template0 with C collation and, per database,
// TimeZone=UTC, DateStyle='ISO, MDY', IntervalStyle=postgres,
// extra_float_digits=1, lc_messages=C; the whole file runs as one psql session.
//
// Rendering of values: NULL -> `NULL`, '' -> `(empty)`, else PostgreSQL's text
// output; values of a row are joined by a single space. Type letters: I for
// smallint/integer/bigint, R for real/double precision/numeric, T otherwise.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
const check = args.includes('--check');
const quiet = args.includes('--quiet');
const targets = args.filter((a) => !a.startsWith('--'));
if (targets.length === 0) {
  console.error('usage: pg-expected.mjs [--check] [--quiet] FILE_OR_DIR...');
  process.exit(2);
}

const env = {
  ...process.env,
  PGHOST: process.env.PGHOST ?? '127.0.0.1',
  PGPORT: process.env.PGPORT ?? '55432',
  PGUSER: process.env.PGUSER ?? 'postgres',
};
const NULL_MARK = '<<SLT-NULL-7f3a>>';

function psql(db, input) {
  const r = spawnSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=0', '-d', db, '-f', '-'], {
    input, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  return r;
}

function collect(p) {
  const st = fs.statSync(p);
  if (st.isDirectory()) {
    return fs.readdirSync(p).sort().flatMap((f) => collect(path.join(p, f)));
  }
  return p.endsWith('.slt') ? [p] : [];
}

// ---------------------------------------------------------------- parsing
// A file is a list of items: {kind:'raw', lines} or a record.
function parse(text) {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  const items = [];
  let i = 0;
  let conds = [];
  while (i < lines.length) {
    const line = lines[i];
    const t = line.trim();
    if (t === '' || t.startsWith('#')) { items.push({ kind: 'raw', lines: [line] }); i++; continue; }
    if (/^(skipif|onlyif)\s/.test(t)) { items.push({ kind: 'raw', lines: [line] }); conds.push(t); i++; continue; }
    const lineNo = i + 1;
    let m;
    if ((m = /^statement\s+(ok|error|count)\b\s*(.*)$/.exec(t))) {
      i++;
      const sql = [];
      while (i < lines.length && lines[i].trim() !== '') sql.push(lines[i++]);
      items.push({ kind: 'statement', mode: m[1], arg: m[2], sql, lineNo, header: line, conds });
    } else if ((m = /^query\s+error\b\s*(.*)$/.exec(t))) {
      i++;
      const sql = [];
      while (i < lines.length && lines[i].trim() !== '') sql.push(lines[i++]);
      items.push({ kind: 'queryerror', arg: m[1], sql, lineNo, header: line, conds });
    } else if ((m = /^query\b\s*(.*)$/.exec(t))) {
      i++;
      const toks = m[1].split(/\s+/).filter(Boolean);
      let types = null, sort = null, label = null;
      for (const tok of toks) {
        if (/^(nosort|rowsort|valuesort)$/.test(tok)) sort = tok;
        else if (types === null && sort === null && /^[A-Z?]+$/.test(tok)) types = tok;
        else label = tok;
      }
      const sql = [];
      while (i < lines.length && lines[i].trim() !== '' && lines[i].trim() !== '----') sql.push(lines[i++]);
      const expected = [];
      let hadSep = false;
      if (i < lines.length && lines[i].trim() === '----') {
        hadSep = true;
        i++;
        while (i < lines.length && lines[i].trim() !== '') expected.push(lines[i++]);
      }
      items.push({ kind: 'query', types, sort, label, sql, expected, hadSep, lineNo, header: line, conds });
    } else {
      // control lines (halt, hash-threshold, ...) are kept as they are
      items.push({ kind: 'raw', lines: [line] });
      i++;
      continue;
    }
    conds = [];
  }
  return items;
}

function runsOnPg(rec) {
  for (const c of rec.conds) {
    const [kw, eng] = c.split(/\s+/);
    if (kw === 'skipif' && /^(postgres|postgresql)$/.test(eng)) return false;
    if (kw === 'onlyif' && !/^(postgres|postgresql)$/.test(eng)) return false;
  }
  return true;
}

// ---------------------------------------------------------------- CSV
function parseCsv(text) {
  const rows = [];
  let row = [], field = '', quoted = false, i = 0, any = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
        quoted = false; i++; continue;
      }
      field += c; i++; continue;
    }
    if (c === '"') { quoted = true; any = true; i++; continue; }
    if (c === ',') { row.push(field); field = ''; any = true; i++; continue; }
    if (c === '\n') { row.push(field); rows.push(row); row = []; field = ''; any = false; i++; continue; }
    field += c; any = true; i++;
  }
  if (any || field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows;
}

// ---------------------------------------------------------------- running
function typeLetter(pgType) {
  if (/^(smallint|integer|bigint)$/.test(pgType)) return 'I';
  if (/^(real|double precision|numeric)/.test(pgType)) return 'R';
  return 'T';
}

function render(v) {
  if (v === NULL_MARK) return 'NULL';
  if (v === '') return '(empty)';
  return v;
}

function cmpRows(a, b) {
  for (let k = 0; k < Math.min(a.length, b.length); k++) {
    if (a[k] < b[k]) return -1;
    if (a[k] > b[k]) return 1;
  }
  return a.length - b.length;
}

function chunk(arr, n) {
  const out = [];
  for (let i = 0; i < arr.length; i += n) out.push(arr.slice(i, i + n));
  return out;
}

function sqlText(rec) {
  let s = rec.sql.join('\n').replace(/\s+$/, '');
  if (s.endsWith(';')) s = s.slice(0, -1).replace(/\s+$/, '');
  return s;
}

function processFile(file) {
  const text = fs.readFileSync(file, 'utf8');
  const items = parse(text);
  const recs = items.filter((it) => it.kind !== 'raw' && runsOnPg(it));
  let script = '\\pset format csv\n\\pset tuples_only on\n\\pset null ' + NULL_MARK + '\n\\pset pager off\n';
  recs.forEach((rec, n) => {
    const sql = sqlText(rec);
    script += `\\echo @@BEGIN ${n}\n`;
    if (rec.kind === 'query') {
      script += `\\echo @@DESC\n${sql}\n\\gdesc\n\\echo @@ROWS\n`;
    }
    // \\g (not ';') sends the text exactly as written, like a client would
    script += `${sql}\n\\g\n`;
    script += `\\echo @@END ${n} :ERROR :LAST_ERROR_SQLSTATE\n\\echo @@MSG :LAST_ERROR_MESSAGE\n`;
  });

  const db = `slt_${process.pid}_${Date.now()}`;
  const admin = psql('postgres',
    `CREATE DATABASE ${db} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C';\n` +
    `ALTER DATABASE ${db} SET timezone TO 'UTC';\n` +
    `ALTER DATABASE ${db} SET datestyle TO 'ISO, MDY';\n` +
    `ALTER DATABASE ${db} SET intervalstyle TO 'postgres';\n` +
    `ALTER DATABASE ${db} SET extra_float_digits TO 1;\n` +
    `ALTER DATABASE ${db} SET lc_messages TO 'C';\n`);
  if (admin.status !== 0 || admin.stderr.trim()) {
    throw new Error(`cannot create database: ${admin.stderr}`);
  }
  let out;
  try {
    out = psql(db, script).stdout;
  } finally {
    psql('postgres', `DROP DATABASE IF EXISTS ${db};\n`);
  }

  // split the output into per-record chunks
  const results = [];
  const lines = out.split('\n');
  let cur = null;
  for (let k = 0; k < lines.length; k++) {
    const l = lines[k];
    let m;
    if ((m = /^@@BEGIN (\d+)$/.exec(l))) { cur = { n: +m[1], desc: [], rows: [], phase: 'pre' }; continue; }
    if (!cur) continue;
    if (l === '@@DESC') { cur.phase = 'desc'; continue; }
    if (l === '@@ROWS') { cur.phase = 'rows'; continue; }
    if ((m = /^@@END (\d+) (true|false) (\w+)$/.exec(l))) {
      cur.error = m[2] === 'true';
      cur.sqlstate = m[3];
      const msg = lines[++k] ?? '';
      cur.message = msg.replace(/^@@MSG ?/, '');
      results[cur.n] = cur;
      cur = null;
      continue;
    }
    if (cur.phase === 'desc') cur.desc.push(l);
    else cur.rows.push(l);
  }

  const problems = [];
  const warnings = [];
  let nQuery = 0, nStmt = 0;
  recs.forEach((rec, n) => {
    const r = results[n];
    const where = `${file}:${rec.lineNo}`;
    if (!r) { problems.push(`${where}: no result captured (psql output out of sync)`); return; }
    if (rec.kind === 'statement') {
      nStmt++;
      if (rec.mode === 'error') {
        if (!r.error) problems.push(`${where}: expected an error, statement succeeded`);
        else if (rec.arg && !new RegExp(rec.arg).test(r.message)) problems.push(`${where}: error /${rec.arg}/ does not match PG message: ${r.message} [${r.sqlstate}]`);
      } else if (r.error) {
        problems.push(`${where}: statement failed: ${r.message} [${r.sqlstate}]`);
      }
      return;
    }
    nQuery++;
    if (rec.kind === 'queryerror') {
      if (!r.error) problems.push(`${where}: expected an error, query succeeded`);
      else if (rec.arg && !new RegExp(rec.arg).test(r.message)) problems.push(`${where}: error /${rec.arg}/ does not match PG message: ${r.message} [${r.sqlstate}]`);
      return;
    }
    if (r.error) { problems.push(`${where}: query failed: ${r.message} [${r.sqlstate}]`); return; }
    const desc = parseCsv(r.desc.join('\n') + (r.desc.length ? '\n' : ''));
    const types = desc.map((d) => typeLetter(d[1])).join('');
    const raw = r.rows.join('\n');
    let rows = r.rows.length === 0 ? [] : parseCsv(raw + '\n');
    rows = rows.map((row) => row.map(render));
    for (const row of rows) {
      if (row.length !== types.length) problems.push(`${where}: row has ${row.length} values, ${types.length} columns`);
      for (const v of row) {
        if (/[\n\r]/.test(v)) problems.push(`${where}: value contains a newline: ${JSON.stringify(v)}`);
        if (v === 'NULL' || v === '(empty)') { /* rendered markers */ }
        if (row.length > 1 && /\s/.test(v)) warnings.push(`${where}: value with whitespace in a multi-column row: ${JSON.stringify(v)}`);
        if (/^\s|\s$|\s\s/.test(v)) warnings.push(`${where}: value with leading/trailing/double whitespace: ${JSON.stringify(v)}`);
      }
    }
    // no sort mode: nosort for a result of at most one row, else rowsort
    const sort = rec.sort ?? (rows.length <= 1 ? 'nosort' : 'rowsort');
    if (!rec.sort && rows.length > 1) warnings.push(`${where}: no sort mode given, using rowsort`);
    if (sort === 'rowsort') rows.sort(cmpRows);
    if (sort === 'valuesort') {
      const vals = rows.flat().sort();
      rows = vals.map((v) => [v]);
    }
    if (sort === 'nosort' && rows.length > 1 && !/order\s+by/i.test(sqlText(rec))) {
      problems.push(`${where}: nosort with ${rows.length} rows but no ORDER BY`);
    }
    const got = rows.map((row) => row.join(' '));
    if (rec.types && rec.types.length !== types.length) {
      if (check) problems.push(`${where}: type string ${rec.types} but ${types.length} columns`);
    }
    if (check) {
      const exp = rec.expected.map((l) => l.trim());
      const a = sort === 'rowsort' ? [...exp].sort() : exp;
      const b = sort === 'rowsort' ? [...got].sort() : got;
      // also accept the classic one-value-per-line form
      const flat = rows.flat();
      const classic = exp.length === flat.length && rows.length !== exp.length &&
        (sort === 'rowsort'
          ? JSON.stringify(chunk(exp, types.length).map((r) => r.join(' ')).sort()) === JSON.stringify(b)
          : exp.join('\n') === flat.join('\n'));
      if (!classic && a.join('\n') !== b.join('\n')) {
        problems.push(`${where}: results differ\n  expected:\n    ${exp.join('\n    ')}\n  postgres:\n    ${got.join('\n    ')}`);
      }
    }
    rec.newTypes = types;
    rec.newSort = sort;
    rec.got = got;
  });

  if (!check) {
    const outLines = [];
    for (const it of items) {
      if (it.kind === 'raw') { outLines.push(...it.lines); continue; }
      if (it.kind === 'query' && it.got) {
        const parts = ['query', it.newTypes || 'T', it.newSort];
        if (it.label) parts.push(it.label);
        outLines.push(parts.join(' '));
        outLines.push(...it.sql);
        outLines.push('----');
        outLines.push(...it.got);
        continue;
      }
      outLines.push(it.header, ...it.sql);
      if (it.kind === 'query' && it.hadSep) outLines.push('----', ...it.expected);
    }
    const newText = outLines.join('\n') + '\n';
    if (newText !== text) fs.writeFileSync(file, newText);
  }
  return { problems, warnings, nQuery, nStmt };
}

let totalQ = 0, totalS = 0, totalProblems = 0;
const files = targets.flatMap(collect);
for (const f of files) {
  const { problems, warnings, nQuery, nStmt } = processFile(f);
  totalQ += nQuery; totalS += nStmt; totalProblems += problems.length;
  if (!quiet) console.log(`${f}: ${nQuery} query, ${nStmt} statement records${problems.length ? `, ${problems.length} PROBLEMS` : ''}`);
  for (const p of problems) console.log(`  PROBLEM ${p}`);
  if (!quiet) for (const w of warnings) console.log(`  warning ${w}`);
}
console.log(`total: ${files.length} files, ${totalQ} query records, ${totalS} statement records, ${totalProblems} problems`);
process.exit(totalProblems ? 1 : 0);
