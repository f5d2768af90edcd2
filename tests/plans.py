"""How the database plans a query, for the tests that guard "reads a page, not the table"."""

import json
import re

from django.db import connection


def sqlite_plan_steps(sql, params) -> list[str]:
    """SQLite's EXPLAIN QUERY PLAN, one line per step."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return [row[3] for row in cursor.fetchall()]


def postgres_plan_nodes(sql, params) -> list[dict]:
    """Every node of PostgreSQL's EXPLAIN ANALYZE of the query (it runs), outermost first."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    plan = plan if isinstance(plan, list) else json.loads(plan)
    nodes, pending = [], [plan[0]["Plan"]]
    while pending:
        node = pending.pop(0)
        nodes.append(node)
        pending.extend(node.get("Plans", ()))
    return nodes


def statements_of(fn, *args, **kwargs) -> tuple[object, list[tuple[str, tuple]]]:
    """``fn``'s result and every SQL statement it ran, with its parameters, to plan them."""
    statements = []

    def record(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        result = fn(*args, **kwargs)
    return result, statements


def reads_not_by_key(statements, keys) -> list[str]:
    """The table reads of ``statements`` that do not look rows up by one of the columns ``keys``
    (the primary key is ``id``): a scan of a table or of one of its indexes, or a search by
    another column (say all published terms through the status index). Empty: every row read
    was asked for by key."""
    keys = "|".join(re.escape(key) for key in keys)
    bad = []
    for sql, params in statements:
        if connection.vendor == "sqlite":
            for step in sqlite_plan_steps(sql, params):
                if step.startswith("SCAN (") or step.startswith("SCAN CONSTANT"):
                    continue  # a subquery's rows or a VALUES list, not a table
                if step.startswith("SCAN") or (
                        step.startswith("SEARCH") and not re.search(rf"[( ](rowid|{keys})=\?", step)):
                    bad.append(step)
            continue
        for node in postgres_plan_nodes(sql, params):
            if "Relation Name" not in node:
                continue
            condition = node.get("Index Cond") or node.get("Recheck Cond") or ""
            if node["Node Type"] in ("Seq Scan", "Parallel Seq Scan") or not re.search(rf"\b({keys})\b", condition):
                bad.append(f"{node['Node Type']} on {node['Relation Name']} {condition}".strip())
    return bad
