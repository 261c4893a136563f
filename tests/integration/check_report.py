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
# An aborted run lists the cases it never reached as errors, so CI cannot read it as green.
expected_cases = len(report["run"]["selected"]) if report["run"]["status"] == "aborted" else len(results)
if len(cases) != expected_cases:
    problems.append("junit.xml has %d testcases, expected %d" % (len(cases), expected_cases))
if report["run"]["status"] == "aborted":
    not_run = [c for c in cases if c.find("error") is not None and c.find("error").get("type") == "NOT-RUN"]
    if len(not_run) != len(report["run"]["selected"]) - len(results):
        problems.append("junit.xml lists %d cases as not run, expected %d"
                        % (len(not_run), len(report["run"]["selected"]) - len(results)))
    if report["summary"]["exit_code"] != 2:
        problems.append("an aborted run must not report exit code %d" % report["summary"]["exit_code"])
# JUnit failures are exactly the MUST-level FAILs (SHOULD findings are warnings, as in the exit code).
# Under a fault switch (selftest) a testcase is named <case>@<fault>.
def junit_name(r):
    return r["id"] + ("@" + r["fault"] if r["fault"] else "")
failed_ids = {junit_name(r) for r in results if r["verdict"] == "FAIL" and r["level"] == "MUST"}
junit_failed = {c.get("name") for c in cases if c.find("failure") is not None}
if failed_ids != junit_failed:
    problems.append("junit failures %s differ from report MUST failures %s" % (sorted(junit_failed), sorted(failed_ids)))

for p in problems:
    print("report problem: " + p, file=sys.stderr)
sys.exit(1 if problems else 0)
