"""The partner systems over a compressed day: they post each contact when it arrives and answer on the
simulated clock, as the mobile-team app, the receiving facility, the housing partner and follow-up peers would.

Each answer waits until the simulated time it would happen (a team arrives after its travel time, a peer
calls after the check-in falls due), so the services' own timers meet the same clock: a silent team is
replaced, a late facility escalates, an unanswered referral is reminded, a silent plan closes.
"""

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from continuum_kit.clock import ScaledClock

from continuum_sim.journeys import Seen
from continuum_sim.partners import Partners
from continuum_sim.traffic import Arrival

log = logging.getLogger(__name__)
TIMED = frozenset({"mobile_team", "co_response"})
MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class Posted:
    """A contact a partner system posted, and what intake answered."""

    arrival: Arrival
    posted_at: datetime  # simulated
    episode_id: str
    joined: bool  # intake joined it to the person's open episode


class DayPartners(Partners):
    """Partners that act on a simulated clock; ``posted`` is what they sent, ``events`` what the topic carried."""

    def __init__(
        self,
        kafka_bootstrap: str,
        topic: str,
        urls: dict[str, str],
        *,
        clock: ScaledClock,
        silent_for: timedelta = timedelta(hours=2),
        **kw,
    ) -> None:
        super().__init__(kafka_bootstrap, topic, urls, **kw)
        self.clock = clock
        self.silent_for = silent_for  # a team that missed its acknowledgement answers this much later
        self.posted: list[Posted] = []
        self.answering = True
        self._latest: dict[str, Arrival] = {}

    async def until(self, simulated: datetime) -> None:
        """Sleep until the simulated clock reads ``simulated``."""
        await asyncio.sleep(self.clock.wall_seconds_until(simulated))

    async def post_arrival(self, arrival: Arrival) -> Posted:
        """Post the contact as its partner system would; remember which episode intake put it on."""
        journey = await self.post(arrival.scenario)
        self._latest[journey.episode_id] = arrival
        joined = journey.scenario is not arrival.scenario  # intake joined it to the person's open episode
        posted = Posted(arrival, self.clock.now(), journey.episode_id, joined)
        self.posted.append(posted)
        return posted

    async def settle(self, quiet_seconds: float = 1.5, timeout: float = 20.0) -> None:
        """Stop answering, then wait until the topic has carried nothing new for ``quiet_seconds``."""
        self.answering = False
        deadline = asyncio.get_running_loop().time() + timeout
        while asyncio.get_running_loop().time() < deadline:
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), timeout=quiet_seconds)
            except TimeoutError:
                return

    async def _react(self, episode_id: str, seen: Seen) -> None:
        if not self.answering or await self._journey(episode_id) is None:
            return
        arrival = self._latest.get(episode_id)
        if arrival is None:
            return
        try:
            if seen.type == "continuum.response.assigned.v1":
                await self._team_app(seen, arrival)
            elif seen.type == "continuum.handoff.requested.v1":
                await self._facility(seen, arrival)
            elif seen.type == "continuum.referral.sent.v1":
                await self._housing_partner(seen, arrival)
            elif seen.type == "continuum.followup.scheduled.v1" and seen.data.get("recipient") in (None, "person"):
                await self._peer(seen, arrival)
        except httpx.HTTPError as exc:
            log.warning("a partner's answer failed: %s", type(exc).__name__)

    def _started(self, seen: Seen) -> datetime:
        return seen.time or self.clock.now()

    async def _answer(
        self, service: str, path: str, body: dict | None, as_partner: str | None = None
    ) -> httpx.Response:
        """One partner answer over a service's HTTP API (a 409 means someone already moved it on), with the
        partner's own credentials there: a team's app at dispatch, a receiving partner at handoff, a peer team
        at followup."""
        if not self.answering:
            return httpx.Response(409)
        auth = await self.credentials(service, as_partner) if as_partner is not None else None
        return await self._request("POST", f"{self.urls[service]}{path}", body, auth=auth)

    async def _team_app(self, seen: Seen, arrival: Arrival) -> None:
        """The team acknowledges, travels, reports arrival, and resolves after its time on scene."""
        data, behaviour = seen.data, arrival.behaviour
        kind = data["response_type"]
        path, team = f"/v1/responses/{data['response_id']}/updates", data["responder_id"]
        departs = self._started(seen)  # travel counts from the assignment, whatever the app's own delay
        if kind in TIMED and behaviour.team_silent and data.get("replaces") is None:
            # The team misses its acknowledgement: dispatch replaces it if another team can go (then this
            # team's late word is refused), else this team keeps the call and answers late.
            departs += self.silent_for
            await self.until(departs)
        if kind in TIMED:
            if (await self._answer("dispatch", path, {"status": "en_route"}, as_partner=team)).status_code != 200:
                return
            await self.until(departs + timedelta(minutes=data["eta_minutes"] * behaviour.travel_factor))
        if (await self._answer("dispatch", path, {"status": "on_scene"}, as_partner=team)).status_code != 200:
            return  # replaced meanwhile
        minutes = behaviour.on_scene_minutes if kind != "peer_support" else behaviour.on_scene_minutes / 2
        await self.until(self.clock.now() + timedelta(minutes=minutes))
        disposition = behaviour.dispositions.get(kind, "resolved_in_place")
        needs = behaviour.needs if disposition != "declined_services" else []
        body = {"status": "resolved", "disposition": disposition, "needs": needs}
        await self._answer("dispatch", path, body, as_partner=team)

    async def _facility(self, seen: Seen, arrival: Arrival) -> None:
        """The receiving place (or care navigation) accepts and completes the warm handoff, or declines it."""
        data, behaviour = seen.data, arrival.behaviour
        path, partner = f"/v1/handoffs/{data['handoff_id']}", data["to_party"]
        await self.until(self._started(seen) + timedelta(minutes=behaviour.facility_accept_minutes))
        if behaviour.facility_declines:
            await self._answer("handoff", f"{path}/decline", {"reason": "no_capacity"}, as_partner=partner)
            return
        if (await self._answer("handoff", f"{path}/accept", None, as_partner=partner)).status_code != 200:
            return
        await self.until(self.clock.now() + timedelta(minutes=behaviour.facility_complete_minutes))
        await self._answer("handoff", f"{path}/complete", None, as_partner=partner)

    async def _housing_partner(self, seen: Seen, arrival: Arrival) -> None:
        """Coordinated entry answers the referral with an HMIS 4.20 result, sometimes only after a reminder."""
        data, behaviour = seen.data, arrival.behaviour
        when = self._started(seen) + timedelta(hours=behaviour.housing_reply_hours)
        await self.until(when)
        body = {"result": behaviour.housing_result, "result_date": when.isoformat()}
        path = f"/v1/referrals/{data['referral_id']}/result"
        await self._answer("handoff", path, body, as_partner=data["to_party"])

    async def _peer(self, seen: Seen, arrival: Arrival) -> None:
        """A peer calls after the check-in falls due; some people are reached only on a later try, a few never."""
        data, behaviour = seen.data, arrival.behaviour
        sequence = data["sequence"]
        failures = behaviour.failed_attempts[min(sequence, len(behaviour.failed_attempts)) - 1]
        at = datetime.fromisoformat(data["due_at"]) + timedelta(hours=behaviour.peer_delay_hours)
        path = f"/v1/followups/{data['followup_id']}/attempts"
        for attempt in range(MAX_ATTEMPTS):
            await self.until(at)
            reached = attempt >= failures
            attempt_body = {"reached": reached, "channel": "phone"}
            response = await self._answer("followup", path, attempt_body, as_partner=data["assigned_peer"])
            if reached or response.status_code != 201:
                return  # reached, or the plan closed (the person declined, or it went quiet)
            at = self.clock.now() + timedelta(hours=behaviour.retry_hours)
