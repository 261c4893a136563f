#!/usr/bin/python3
"""Validates a mipvpn report.json against its JSON Schema (an independent validator: python3-jsonschema) and checks
the files it points at: junit.xml with one testcase per result, and every pcap slice."""
import argparse
import json
import os
import sys
import xml.etree.ElementTree as ET

import jsonschema

ap = argparse.ArgumentParser()
ap.add_argument("schema")
ap.add_argument("report")
ap.add_argument("--all-pass", action="store_true")
ap.add_argument("--min-cases", type=int, default=1)
ap.add_argument("--status", default="complete")
a = ap.parse_args()

schema = json.load(open(a.schema))
report = json.load(open(a.report))
jsonschema.Draft202012Validator.check_schema(schema)
errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(report), key=lambda e: list(e.path))
for e in errors:
    print("schema violation at /%s: %s" % ("/".join(map(str, e.path)), e.message), file=sys.stderr)
if errors:
    sys.exit(1)

run_dir = os.path.dirname(a.report)
results = report["results"]
problems = []
if report["run"]["status"] != a.status:
    problems.append("run status %s, expected %s" % (report["run"]["status"], a.status))
if len(results) < a.min_cases:
    problems.append("%d results, expected at least %d" % (len(results), a.min_cases))
if a.all_pass:
    for r in results:
        if r["verdict"] != "PASS":
            problems.append("%s: %s (%s)" % (r["id"], r["verdict"], r["reason"]))
for r in results:
    for p in r["pcaps"]:
        if not os.path.isfile(os.path.join(run_dir, p)):
            problems.append("%s: missing pcap %s" % (r["id"], p))
    if r["verdict"] in ("PASS", "FAIL") and not r["checks"]:
        problems.append("%s: a verdict without checks" % r["id"])

junit = ET.parse(os.path.join(run_dir, "junit.xml")).getroot()
cases = junit.findall(".//testcase")
if len(cases) != len(results):
    problems.append("junit.xml has %d testcases, report has %d results" % (len(cases), len(results)))
failed_ids = {r["id"] for r in results if r["verdict"] == "FAIL"}
junit_failed = {c.get("name") for c in cases if c.find("failure") is not None}
if failed_ids != junit_failed:
    problems.append("junit failures %s differ from report failures %s" % (sorted(junit_failed), sorted(failed_ids)))

for p in problems:
    print("report problem: " + p, file=sys.stderr)
sys.exit(1 if problems else 0)
