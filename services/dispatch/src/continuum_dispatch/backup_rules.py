"""The backup a safety change calls for, by the least-restrictive rules, and what a peer steps back from.

Pure, no I/O. "Interventions should provide the least restrictive response appropriate for each situation.
If the situation does not require law enforcement, then it should not involve law enforcement" (NASMHPD):

| change on scene | the team on scene | backup |
|---|---|---|
| medical_emergency | any | ems (no police) |
| violence_in_progress | any | police |
| weapon, imminent_risk_with_means | not co-response, and the county runs co-responders | co_response |
| weapon, imminent_risk_with_means | co-response already, or the county runs none | police |

The same flags bring the same answers as intake's triage rules (a weapon alone brings co-response, not
police alone). Whenever the backup involves law enforcement (police or co-response), a deflection recorded
for the call no longer holds and is corrected.
"""

from dataclasses import dataclass

from continuum_contracts.vocabulary import ResponseType, SafetyFlag

from continuum_dispatch.domain import OUTSIDE_PEER_ROLE, MemberRole, ResponseStatus

# A team reports from the road as well as on scene: what it hears on the way (a weapon) changes the backup.
REPORTING = frozenset({ResponseStatus.EN_ROUTE, ResponseStatus.ON_SCENE})
INVOLVES_POLICE = frozenset({ResponseType.POLICE, ResponseType.CO_RESPONSE})
_WEAPON_LIKE = frozenset({SafetyFlag.WEAPON, SafetyFlag.IMMINENT_RISK_WITH_MEANS})
# Once a scene turns unsafe, a peer steps back from anything that controls, restrains or moves the person,
# on top of the clinical and coercive work that is never a peer's (domain.OUTSIDE_PEER_ROLE).
COERCIVE_ON_SCENE = OUTSIDE_PEER_ROLE | frozenset(
    {
        "restraint",
        "physical_hold",
        "scene_control",
        "separate_parties",
        "search",
        "weapon_removal",
        "detain",
        "transport",
        "accompany_police",
    }
)


@dataclass(frozen=True)
class Backup:
    response_type: ResponseType
    police_involved: bool


def backup_for(change: SafetyFlag, on_scene: ResponseType, county_runs_co_response: bool) -> Backup:
    """The least restrictive backup that meets the change."""
    if change == SafetyFlag.MEDICAL_EMERGENCY:
        wanted = ResponseType.EMS
    elif change in _WEAPON_LIKE and county_runs_co_response and on_scene != ResponseType.CO_RESPONSE:
        wanted = ResponseType.CO_RESPONSE
    else:
        wanted = ResponseType.POLICE
    return Backup(wanted, wanted in INVOLVES_POLICE)


def change_reason(change: SafetyFlag) -> str:
    """The reason code a backup and a corrected deflection carry, e.g. ``safety_change_weapon``."""
    return f"safety_change_{change.value}"


def may_report(status: ResponseStatus) -> bool:
    return status in REPORTING


def peer_task_allowed_after_step_back(role: str, task: str) -> bool:
    """After a peer stepped back, no coercive task on that response is the peer's."""
    return not (role == MemberRole.PEER and task in COERCIVE_ON_SCENE)
