"""``continuum-cad replay``: one day of a city's calls, replayed through the running services as the day demo.

The county's rules (the analysis' own ``Classifier``) decide each call of the day: a call they send to an
alternative response becomes a 911 transfer contact, posted at the call's received time of day on the day's
scaled clock, with the Continuum call type, the priority as the mapping translates it, an invented caller (as
the day's contacts have) and a pseudonymous incident id made from the row; never the city's item number,
address, location or text. No location is sent: the mapping names no coordinate column (the sample's
MapX/MapY are state-plane feet, not latitude and longitude). The calls kept with police are counted only.
The rest is ``continuum-day``: the same stack, partners, outcome report and options.
"""

import hashlib
import random
from datetime import UTC, date, datetime
from pathlib import Path

from continuum_sim.cad.analysis import Classifier, analyze
from continuum_sim.cad.mapping import ALTERNATIVES, CountyMapping, Refused, load_mapping
from continuum_sim.cad.reading import Call, Problem, read_calls
from continuum_sim.day_plan import GivenDay
from continuum_sim.scenarios import Scenario, _caller
from continuum_sim.traffic import Arrival, _behaviour

NOTE = "Transferred from 911: the caller asks for help for a person in distress; no weapons seen."


def incident_id(call: Call) -> str:
    """A stable pseudonymous incident id from the call's row (its line and common fields; not the item number)."""
    row = "|".join(str(part) for part in (call.line, call.received, call.call_type, call.priority, call.disposition))
    digest = hashlib.sha256(f"continuum-cad-replay|{row}".encode()).hexdigest()[:16]
    return f"urn:emergency:eido:incident:cad-{digest}"


def priority(call: Call, mapping: CountyMapping) -> int | None:
    """Continuum's priority (1 highest) for the city's: the mapping's entry the priority equals or begins with."""
    for city, ours in sorted(mapping.priorities.items(), key=lambda item: -len(item[0])):
        if call.priority.startswith(city):
            return ours
    return None


def contact(call: Call, call_type: str, mapping: CountyMapping, rng: random.Random) -> Scenario:
    needs = ["mental_health", "housing"] if call_type == "HOMELESS_CONCERN" else ["mental_health"]
    body = {
        "incident_tracking_id": incident_id(call),
        "call_type_code": call_type,
        "needs": needs,
        "caller": _caller(rng),
        "note": NOTE,
    }
    if (level := priority(call, mapping)) is not None:
        body["priority"] = level
    return Scenario(
        f"911 call {call_type.lower()} replayed from the city's export",
        "county-911-cad",
        "911_transfer",
        "/v1/contacts/911",
        body,
        needs=[need for need in needs if need != "mental_health"],
    )


def day_calls(csv_path: Path, mapping: CountyMapping, day: date) -> list[Call]:
    problems: list[Problem] = []
    return [c for c in read_calls(csv_path, mapping, problems) if c.received and c.received.date() == day]


def arrivals(calls: list[Call], mapping: CountyMapping, day: date, seed: int = 7) -> list[Arrival]:
    """The calls the rules send to an alternative as the day's arrivals (offsets from the day's midnight)."""
    classifier, rng, found = Classifier(mapping), random.Random(seed), []
    midnight = datetime.combine(day, datetime.min.time())
    for call in sorted(calls, key=lambda c: (c.received, c.line)):
        call_type = classifier.call_type(call)
        if classifier.rule(call_type, call).then not in ALTERNATIVES or call.received is None:
            continue
        scenario = contact(call, call_type, mapping, rng)
        at = call.received - midnight
        found.append(Arrival(at, "911_transfer", scenario, len(found), False, _behaviour(rng, scenario)))
    return found


def plan(csv_path: Path, mapping_path: Path, day: date, seed: int = 7) -> GivenDay:
    """The day to replay; Refused (before anything starts) for a bad mapping or CSV, or a day without calls."""
    mapping = load_mapping(mapping_path)
    calls = day_calls(csv_path, mapping, day)
    if not calls:
        raise Refused(f"the CSV has no call received on {day.isoformat()}")
    given = arrivals(calls, mapping, day, seed)
    problems: list[Problem] = []
    result = analyze(calls, mapping, problems)
    totals = result.total.figures()
    kept = {k: n for k, n in sorted(result.by_response.items()) if k not in {a.value for a in ALTERNATIVES}}
    sent: dict[str, int] = {}
    for arrival in given:
        call_type = arrival.scenario.contact["call_type_code"]
        sent[call_type] = sent.get(call_type, 0) + 1
    report = {
        "mapping": mapping.name,
        "date": day.isoformat(),
        "calls": len(calls),
        "sent_to_continuum": len(given),
        "sent_by_call_type": dict(sorted(sent.items())),
        "not_sent_by_response": kept,  # police, co-response (police with a clinician), EMS
        "police_hours": totals["police_hours"],
        "police_hours_of_calls_sent": totals["police_hours_saved"],
        "sent_without_police_time": result.alternative_without_time,
        "location": "not sent: the mapping names no latitude/longitude column",
    }
    description = f"{day.isoformat()} of {mapping.name}: {len(calls)} calls, {len(given)} sent to Continuum"
    midnight = datetime.combine(day, datetime.min.time(), tzinfo=UTC)
    return GivenDay(given, midnight, description, report)
