"""Writes new_orleans_calls_sample.csv: invented calls for service in New Orleans' column layout ("Calls for
Service" on data.nola.gov: NOPD_Item, Type, TypeText, Priority, ... PoliceDistrict, Location).

Nothing in it is real: the items, times, streets (invented names, block level) and points are made up from a
fixed seed. The codes are illustrative of NOPD's signal codes. Run: uv run python tests/data/cad/make_sample.py
"""

import csv
import random
from datetime import datetime, timedelta
from pathlib import Path

HEADER = [
    "NOPD_Item", "Type", "TypeText", "Priority", "InitialType", "InitialTypeText", "InitialPriority", "MapX", "MapY",
    "TimeCreate", "TimeDispatch", "TimeArrive", "TimeClosed", "Disposition", "DispositionText", "SelfInitiated",
    "Beat", "BLOCK_ADDRESS", "Zip", "PoliceDistrict", "Location",
]  # fmt: skip
# (code, text, weight, priorities)
TYPES = [
    ("103M", "MENTAL PATIENT", 30, ["0A", "1A", "2A"]),
    ("SUIC", "SUICIDE THREAT", 10, ["1A", "2B"]),
    ("22W", "WELFARE CHECK", 25, ["0A", "1A", "1B"]),
    ("103", "DISTURBANCE (OTHER)", 30, ["1A", "1B", "2A"]),
    ("56", "INTOXICATED PERSON", 12, ["1A", "1C"]),
    ("21H", "HOMELESS PERSON", 15, ["0A", "1A"]),
    ("108", "TRESPASSING", 10, ["1A", "1B"]),
    ("21N", "NOISE COMPLAINT", 10, ["0A", "1A"]),
    ("95", "ILLEGAL CARRYING OF WEAPON", 8, ["1A", "2A", "3A"]),
    ("35", "SIMPLE BATTERY", 12, ["1A", "2A"]),
    ("MED", "MEDICAL EMERGENCY", 8, ["2A", "3A"]),
    ("67", "THEFT", 25, ["1A", "1B"]),
    ("20", "AUTO ACCIDENT", 20, ["1A", "2A"]),
    ("107", "SUSPICIOUS PERSON", 15, ["1A", "2A"]),
    ("21", "COMPLAINT OTHER", 20, ["0A", "1A"]),
]
DISPOSITIONS = [("NAT", "Necessary Action Taken", 60), ("GOA", "GONE ON ARRIVAL", 15), ("UNF", "UNFOUNDED", 10),
                ("RTF", "REPORT TO FOLLOW", 15)]  # fmt: skip
STREETS = ["Quill St", "Larkspur Ave", "Tamarind Dr", "Heron Way", "Bellwether St", "Oriole Ct", "Saffron Blvd"]
TIME_FORMAT = "%m/%d/%Y %I:%M:%S %p"
ROWS = 320


def _row(rng: random.Random, n: int) -> list[str]:
    code, text, _, priorities = rng.choices(TYPES, weights=[t[2] for t in TYPES])[0]
    priority = rng.choice(priorities)
    created = datetime(2024, 1, 8) + timedelta(days=rng.randrange(7), seconds=rng.randrange(86400))
    disposition, disposition_text, _ = rng.choices(DISPOSITIONS, weights=[d[2] for d in DISPOSITIONS])[0]
    dispatched = arrived = None
    if rng.random() < 0.04:  # never dispatched: handled on the phone
        closed = created + timedelta(minutes=rng.randint(2, 15))
    else:
        dispatched = created + timedelta(minutes=rng.randint(1, 90), seconds=rng.randrange(60))
        if rng.random() < 0.9:
            arrived = dispatched + timedelta(minutes=rng.randint(2, 25), seconds=rng.randrange(60))
        closed = (arrived or dispatched) + timedelta(minutes=rng.randint(5, 120), seconds=rng.randrange(60))
    district = rng.randint(1, 8)
    beat = f"{district}{rng.choice('ABCDEFGHIJKL')}0{rng.randint(1, 9)}"
    lon, lat = -90.2 + rng.random() * 0.25, 29.9 + rng.random() * 0.1

    def t(moment: datetime | None) -> str:
        return moment.strftime(TIME_FORMAT) if moment else ""

    return [
        f"X{n:07d}-24", code, text, priority, code, text, priority, str(3670000 + rng.randrange(30000)),
        str(520000 + rng.randrange(30000)), t(created), t(dispatched), t(arrived), t(closed), disposition,
        disposition_text, rng.choice(["N", "N", "N", "Y"]), beat,
        f"0{rng.randint(10, 99)}XX {rng.choice(STREETS)}", f"70{rng.randint(111, 131)}", str(district),
        f"POINT ({lon:.5f} {lat:.5f})",
    ]  # fmt: skip


def main() -> None:
    rng = random.Random(13)
    path = Path(__file__).with_name("new_orleans_calls_sample.csv")
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(_row(rng, n) for n in range(1, ROWS + 1))


if __name__ == "__main__":
    main()
