#!/usr/bin/env python3
"""Writes N synthetic case records as JSON lines for `aegis import` (benchmarks and load tests).
Units are the demo data set's stations; nothing here describes a real person."""
import json
import random
import sys

STATIONS = ["DEMO-E-CENTRAL-S1", "DEMO-E-NORTHERN-S1", "DEMO-E-SOUTHERN-S1", "DEMO-E-TENDERLOIN-S1",
            "DEMO-E-MISSION-S1", "DEMO-W-BAYVIEW-S1", "DEMO-W-PARK-S1", "DEMO-W-RICHMOND-S1",
            "DEMO-W-INGLESIDE-S1", "DEMO-W-TARAVAL-S1"]
STAGES = ["filed", "under_investigation", "suspect_identified", "suspect_detained", "solved",
          "transferred_for_prosecution", "prosecuted", "closed", "suspended"]


def iso(t):
    import time
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def main():
    n = int(sys.argv[1])
    rnd = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
    end = 1795000000  # late 2026
    start = end - 10 * 365 * 86400
    out = sys.stdout
    for i in range(n):
        filed = rnd.randint(start, end - 86400)
        stage = rnd.choice(STAGES)
        rec = {"reference": f"IMP-{i + 1:08d}", "unit_code": rnd.choice(STATIONS),
               "title": f"历史案件 {i + 1}", "stage": stage, "filed_at": iso(filed),
               "offence_time": iso(filed - rnd.randint(3600, 4 * 365 * 86400)),
               "place": f"{rnd.randint(1, 40) * 100} Block of TEST ST",
               "latitude": round(37.70 + rnd.random() * 0.12, 6),
               "longitude": round(-122.51 + rnd.random() * 0.14, 6),
               "youngest_victim_age": rnd.randint(4, 60), "victim_count": 1,
               "offender_count": 1 if rnd.random() < 0.9 else 2,
               "weapon": rnd.random() < 0.1, "online_dating": rnd.random() < 0.1}
        if stage in ("solved", "transferred_for_prosecution", "prosecuted", "closed"):
            rec["solved_at"] = iso(min(end, filed + rnd.randint(86400, 200 * 86400)))
        out.write(json.dumps(rec, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
