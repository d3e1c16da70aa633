#!/usr/bin/python3
"""The Grafana dashboard (docs/grafana-dashboard.json) against the metrics
the service exports (SW_METRICS_FAMILY_MAP in common/monitor/
metrics_text.h): every smtpwatch_* name a query uses is an exported family
(or a histogram family's _bucket/_sum/_count), every family is shown
somewhere, and every query is PromQL that Prometheus' own parser accepts
(promtool check rules, with the dashboard's variables filled in).

Usage: check_dashboard.py METRICS_TEXT_H DASHBOARD_JSON
Exits 0 when all holds; prints every problem and exits 1 otherwise.
"""

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

FAMILY = re.compile(r'X\(SW_METRIC_\w+,[\s\\]*"(smtpwatch_\w+)",[\s\\]*SW_PROM_(\w+)')
NAME = re.compile(r'\bsmtpwatch_[a-z0-9_]+')
# What Grafana puts in place of the variables before a query runs.
VARIABLES = {"$__rate_interval": "1m", "$instance": ".*", "$rule": ".*"}


def families(header):
    found = dict(FAMILY.findall(Path(header).read_text()))
    if not found:
        sys.exit("check_dashboard.py: no SW_METRICS_FAMILY_MAP rows in %s" % header)
    return found


def queries(node):
    """Every PromQL text of the dashboard: targets' expr and the template
    variables' label_values(...) queries."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "expr" and isinstance(value, str):
                yield value
            elif key == "definition" and isinstance(value, str):
                yield value
            else:
                yield from queries(value)
    elif isinstance(node, list):
        for item in node:
            yield from queries(item)


def family_of(name, known):
    if name in known:
        return name
    for suffix in ("_bucket", "_sum", "_count"):
        base = name[:-len(suffix)]
        if name.endswith(suffix) and known.get(base) == "HISTOGRAM":
            return base
    return None


def promql_problems(exprs):
    """promtool's word on each expression, as recording rules."""
    rules = {"groups": [{"name": "dashboard", "rules": [
        {"record": "dashboard:query_%d" % i, "expr": e} for i, e in enumerate(exprs)]}]}
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as f:
        json.dump(rules, f)  # JSON is YAML
    out = subprocess.run(["promtool", "check", "rules", f.name], capture_output=True,
                         text=True, timeout=60)
    Path(f.name).unlink()
    return [] if out.returncode == 0 else [out.stdout + out.stderr]


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: check_dashboard.py METRICS_TEXT_H DASHBOARD_JSON")
    known = families(sys.argv[1])
    dashboard = json.loads(Path(sys.argv[2]).read_text())
    problems, used, exprs = [], set(), []
    for text in queries(dashboard):
        names = NAME.findall(text)
        if not names:
            problems.append("a query uses no smtpwatch metric: %s" % text)
        for name in names:
            family = family_of(name, known)
            if family is None:
                problems.append("%s is not a metric the service exports (in: %s)" %
                                (name, text))
            used.add(family)
        expr = text
        for var, value in VARIABLES.items():
            expr = expr.replace(var, value)
        if not expr.startswith("label_values("):
            exprs.append(expr)
    for family in sorted(set(known) - used):
        problems.append("%s is exported but no panel shows it" % family)
    problems += promql_problems(exprs)
    for p in problems:
        print("check_dashboard.py: " + p)
    print("check_dashboard.py: %d queries, %d of %d families used, %d problems" % (
        len(exprs), len(used - {None}), len(known), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
