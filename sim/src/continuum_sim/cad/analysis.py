"""Which calls the county's rules send to an alternative response, and the police time those calls took."""

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from continuum_sim.cad.mapping import ALTERNATIVES, CONTINUUM_CALL_TYPES, CountyMapping, Rule
from continuum_sim.cad.reading import Call, Problem, at_column

OTHER = "OTHER"  # a city call type the mapping gives no Continuum call type: not a crisis call, police as today
NO_DISTRICT = "(none)"
UNREADABLE = "(unreadable)"
RARE = "(rare)"  # codes and districts of fewer than MIN_SHOWN calls: a free-text value is rare, a code is not
MIN_SHOWN = 3
LABEL = re.compile(r"^[\w][\w .#/&()\-]{0,23}$")
PROBLEMS_LISTED = 100


def label(value: str) -> str:
    """A code or district as printed: short codes only, so that no free text of the export is ever shown."""
    return value if LABEL.match(value) else UNREADABLE


class Classifier:
    def __init__(self, mapping: CountyMapping):
        self.rules = mapping.rules
        self.by_code: dict[str, str] = {}
        self.patterns: list[tuple[re.Pattern[str], str]] = []
        for call_type, match in mapping.call_types.items():
            for code in match.codes:
                self.by_code.setdefault(code, call_type)
            self.patterns += [(re.compile(pattern, re.IGNORECASE), call_type) for pattern in match.descriptions]

    def call_type(self, call: Call) -> str:
        if call.call_type in self.by_code:
            return self.by_code[call.call_type]
        for pattern, call_type in self.patterns:
            if call.description and pattern.search(call.description):
                return call_type
        return OTHER

    def rule(self, call_type: str, call: Call) -> Rule:
        for rule in self.rules:
            when = rule.when
            if when.call_types and call_type not in when.call_types:
                continue
            if when.priorities and not any(call.priority.startswith(p) for p in when.priorities if call.priority):
                continue
            if when.dispositions and call.disposition not in when.dispositions:
                continue
            return rule
        raise AssertionError("validated rules end with a rule that matches every call")


@dataclass
class Tally:
    calls: int = 0
    to_alternative: int = 0
    police_seconds: float = 0.0
    police_seconds_saved: float = 0.0

    def add(self, alternative: bool, seconds: float | None) -> None:
        self.calls += 1
        self.to_alternative += alternative
        self.police_seconds += seconds or 0.0
        self.police_seconds_saved += (seconds or 0.0) if alternative else 0.0

    def merge(self, other: "Tally") -> None:
        self.calls += other.calls
        self.to_alternative += other.to_alternative
        self.police_seconds += other.police_seconds
        self.police_seconds_saved += other.police_seconds_saved

    def figures(self) -> dict:
        return {
            "calls": self.calls,
            "to_alternative": self.to_alternative,
            "share": round(self.to_alternative / self.calls, 4) if self.calls else None,
            "police_hours": round(self.police_seconds / 3600, 2),
            "police_hours_saved": round(self.police_seconds_saved / 3600, 2),
        }


@dataclass
class Analysis:
    total: Tally = field(default_factory=Tally)
    by_call_type: dict[str, Tally] = field(default_factory=dict)
    by_city_code: dict[tuple[str, str], Tally] = field(default_factory=dict)
    by_hour: dict[int | None, Tally] = field(default_factory=dict)
    by_district: dict[str, Tally] = field(default_factory=dict)
    by_response: Counter = field(default_factory=Counter)
    by_rule: Counter = field(default_factory=Counter)
    alternative_without_time: int = 0


def police_seconds(call: Call, mapping: CountyMapping, problems: list[Problem]) -> float | None:
    """The call's police time as the mapping says (dispatched or arrived, to cleared); None without both times."""
    start = call.arrived if mapping.police_time == "on_scene" else call.dispatched
    if start is None or call.cleared is None:
        return None
    seconds = (call.cleared - start).total_seconds()
    if seconds < 0:
        problems.append(Problem(call.line, at_column(mapping, "cleared"), "cleared before the police time began"))
        return None
    return seconds


def analyze(calls: Iterable[Call], mapping: CountyMapping, problems: list[Problem]) -> Analysis:
    classifier, result = Classifier(mapping), Analysis()
    for call in calls:
        call_type = classifier.call_type(call)
        rule = classifier.rule(call_type, call)
        alternative = rule.then in ALTERNATIVES
        seconds = police_seconds(call, mapping, problems)
        result.alternative_without_time += alternative and seconds is None
        result.by_response[rule.then.value] += 1
        result.by_rule[rule.id] += 1
        hour = call.received.hour if call.received is not None else None
        district = label(call.district) if call.district else NO_DISTRICT
        keys = (
            (result.by_call_type, call_type),
            (result.by_city_code, (label(call.call_type) if call.call_type else UNREADABLE, call_type)),
            (result.by_hour, hour),
            (result.by_district, district),
        )
        result.total.add(alternative, seconds)
        for tallies, key in keys:
            tallies.setdefault(key, Tally()).add(alternative, seconds)
    return result


K = TypeVar("K")


def _common(tallies: dict[K, Tally], rare: K) -> dict[K, Tally]:
    """The tallies of values seen in MIN_SHOWN calls or more; the others merged under ``rare``."""
    shown: dict[K, Tally] = {}
    for key, tally in tallies.items():
        shown.setdefault(key if tally.calls >= MIN_SHOWN else rare, Tally()).merge(tally)
    return shown


def figures(result: Analysis, mapping: CountyMapping, problems: list[Problem]) -> dict:
    """The analysis as plain data: what ``--json`` writes and the terminal report prints."""
    order = {call_type: n for n, call_type in enumerate((*CONTINUUM_CALL_TYPES, OTHER))}
    city_codes = _common(result.by_city_code, (RARE, "(various)"))
    districts = _common(result.by_district, RARE)
    city = sorted(city_codes.items(), key=lambda item: (-item[1].calls, item[0]))
    return {
        "mapping": mapping.name,
        "police_time": mapping.police_time,
        "alternatives": sorted(response.value for response in ALTERNATIVES),
        "totals": {
            **result.total.figures(),
            "crisis_call_types": result.total.calls - result.by_call_type.get(OTHER, Tally()).calls,
            "alternative_without_police_time": result.alternative_without_time,
            "by_response": dict(sorted(result.by_response.items())),
            "by_rule": {rule.id: result.by_rule.get(rule.id, 0) for rule in mapping.rules},
        },
        "by_call_type": [
            {"call_type": key, **tally.figures()}
            for key, tally in sorted(result.by_call_type.items(), key=lambda item: order[item[0]])
        ],
        "by_city_call_type": [{"code": code, "call_type": ct, **tally.figures()} for (code, ct), tally in city],
        "by_hour": [
            {"hour": hour, **result.by_hour.get(hour, Tally()).figures()}
            for hour in [*range(24), *([None] if None in result.by_hour else [])]
        ],
        "by_district": [{"district": key, **tally.figures()} for key, tally in sorted(districts.items())],
        "problems": {
            "rows": len({problem.line for problem in problems}),
            "count": len(problems),
            "listed": [vars(problem) for problem in sorted(problems, key=lambda p: p.line)[:PROBLEMS_LISTED]],
        },
    }
