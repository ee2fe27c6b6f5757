"""Runs sql/usage_audit.sql in DuckDB over a generated data set: python3 duckdb_audit.py DIR OUT [THREADS]."""
import os
import sys

import duckdb

folder, out = sys.argv[1], sys.argv[2]
threads = int(sys.argv[3]) if len(sys.argv) > 3 else os.cpu_count()
os.makedirs(out, exist_ok=True)
usage = os.path.join(folder, "usage", "*.csv*")
sql = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "sql", "usage_audit.sql")).read()
sql = sql.replace("__USAGE__", usage).replace("__RATES__", os.path.join(folder, "rates.csv")).replace("__OUT__", out)
connection = duckdb.connect()
connection.execute(f"SET threads = {threads}")
statements = [s for s in sql.split(";\n") if s.strip() and not all(l.startswith("--") or not l.strip() for l in s.splitlines())]
for statement in statements[:-1]:
    connection.execute(statement)
for rule, findings, overcharge in connection.execute(statements[-1]).fetchall():
    print(f"{rule:28} {findings:10} {overcharge:16.3f}")
