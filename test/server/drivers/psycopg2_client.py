# psycopg2 (libpq) against sage-sql: connects, creates, inserts with parameters, reads typed
# values back, checks an error's SQLSTATE. Prints one JSON object for the test to check.
import json, sys, decimal, datetime
import psycopg2

port = int(sys.argv[1])
conn = psycopg2.connect(host="127.0.0.1", port=port, user="sage", dbname="sage")
conn.autocommit = True
cur = conn.cursor()
out = {}
cur.execute("CREATE TABLE py (id INT PRIMARY KEY, name TEXT, price NUMERIC(10,2), at TIMESTAMP, ok BOOLEAN)")
cur.execute("INSERT INTO py VALUES (%s, %s, %s, %s, %s)", (1, "it's", decimal.Decimal("9.50"), datetime.datetime(2024, 1, 2, 3, 4, 5), True))
cur.executemany("INSERT INTO py VALUES (%s, %s, %s, %s, %s)", [(2, "b", None, None, False), (3, "c", decimal.Decimal("1.25"), None, None)])
cur.execute("SELECT id, name, price, at, ok FROM py ORDER BY id")
rows = cur.fetchall()
out["rows"] = [[r[0], r[1], None if r[2] is None else str(r[2]), None if r[3] is None else r[3].isoformat(), r[4]] for r in rows]
out["types"] = [type(v).__name__ for v in rows[0]]
out["columns"] = [d.name for d in cur.description]
cur.execute("SELECT count(*), sum(price) FROM py WHERE id > %(min)s", {"min": 1})
n, s = cur.fetchone()
out["agg"] = [n, str(s)]
try:
    cur.execute("INSERT INTO py VALUES (1, 'dup', NULL, NULL, NULL)")
except psycopg2.Error as e:
    out["error"] = [e.pgcode, e.pgerror.splitlines()[0] if e.pgerror else None]
cur.execute("SELECT version()")
out["version"] = cur.fetchone()[0]
conn.close()
print(json.dumps(out))
