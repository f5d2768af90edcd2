"""How the database plans a query, for the tests that guard "reads a page, not the table"."""

import json

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
