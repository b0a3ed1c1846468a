"""Response timers, swept on the kit's interval: a silent team is replaced, a late one escalated, a stale hold released.

Each sweep reads the injectable clock and takes due rows with SKIP LOCKED, so that two dispatch
instances never act on the same row twice.
"""

from continuum_kit.delivery import UnitOfWork
from continuum_kit.timers import Sweep

from continuum_dispatch.config import DispatchSettings
from continuum_dispatch.missed_targets import escalate_missed_targets
from continuum_dispatch.placement import release_expired_holds
from continuum_dispatch.team_dropout import replace_silent_after_acknowledgement, retry_handovers
from continuum_dispatch.team_replacement import replace_unacknowledged


def build_sweeps(settings: DispatchSettings) -> list[Sweep]:
    def replace_unacknowledged_teams(uow: UnitOfWork) -> None:
        replace_unacknowledged(uow, settings)

    def replace_teams_silent_after_acknowledging(uow: UnitOfWork) -> None:
        replace_silent_after_acknowledgement(uow, settings)

    def hand_over_from_offline_teams(uow: UnitOfWork) -> None:
        retry_handovers(uow, settings)

    def escalate_responses_past_target(uow: UnitOfWork) -> None:
        escalate_missed_targets(uow)

    def release_unused_bed_holds(uow: UnitOfWork) -> None:
        release_expired_holds(uow)

    return [
        replace_unacknowledged_teams,
        replace_teams_silent_after_acknowledging,
        hand_over_from_offline_teams,
        escalate_responses_past_target,
        release_unused_bed_holds,
    ]
