"""Plays the partner systems over the services' HTTP APIs: posts contacts, answers the topic's events. It answers
as a mobile-team app, a receiving facility and a follow-up peer would, and watches each journey (``journeys``)."""

import asyncio
import inspect
import logging
import time
from collections import defaultdict
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import httpx
from aiokafka import AIOKafkaConsumer
from continuum_contracts import InvalidEvent, from_kafka
from httpx_aiohttp import HttpxAiohttpClient

from continuum_sim.accounts import DISCLOSURE_REQUEST, HANDOFF_AT_INTAKE, partner_secret
from continuum_sim.balancer import RoundRobin
from continuum_sim.consumer_positions import at_the_end
from continuum_sim.journeys import CLOSED, Journey, Seen, handoffs_pending
from continuum_sim.scenarios import PARTNER_SYSTEMS, Scenario

if TYPE_CHECKING:
    from continuum_sim.stack import Stack

log = logging.getLogger(__name__)


async def eventually(predicate, timeout: float = 30.0):
    """Poll a condition (plain or awaitable) until it holds or the time is up; return its last value."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = predicate()
        if inspect.isawaitable(result):
            result = await result
        if result or asyncio.get_running_loop().time() > deadline:
            return result
        await asyncio.sleep(0.2)


# Where the person is asked for consent to share their record: the crisis line and the outreach peers.
CONSENT_RECORDED = "continuum.consent.recorded"
EXTRA_EVENT_TYPES = {"988-center": [CONSENT_RECORDED], "outreach-team": [CONSENT_RECORDED]}
ANSWERS = frozenset({"mobile_app", "facility", "housing_partner", "followup_peer"})


class Partners:
    """Posts scenarios and reacts to their events until every episode is closed."""

    def __init__(
        self,
        kafka_bootstrap: str,
        topic: str,
        urls: dict[str, str],
        *,
        from_beginning: bool = True,
        app_updates: tuple[str, ...] = ("on_scene", "resolved"),
        answers: frozenset[str] = ANSWERS,
        admin_token: str | None = None,
        max_inflight: int = 32,
        instances: dict[str, list[str]] | None = None,
    ) -> None:
        self.urls = urls
        self._balancer = RoundRobin(urls, instances)
        self._answers = answers
        self._admin_token = admin_token
        self._credentials: dict[str, tuple[str, str]] = {}
        self._registered: dict[tuple[str, str], asyncio.Future] = {}
        self.journeys: dict[str, Journey] = {}
        self.events: dict[str, list[Seen]] = defaultdict(list)
        self._ids: set[str] = set()
        self._known: dict[str, asyncio.Future] = {}
        self._app_updates = app_updates
        self._from_beginning = from_beginning  # False: only events after entering (a bench phase of its own)
        self._consumer = AIOKafkaConsumer(
            topic,
            bootstrap_servers=kafka_bootstrap,
            group_id=None,
            auto_offset_reset="earliest" if from_beginning else "latest",
        )
        self._client = HttpxAiohttpClient(timeout=10.0, limits=httpx.Limits(max_connections=max_inflight))
        self._limit = asyncio.Semaphore(max_inflight)
        self._tasks: set[asyncio.Task] = set()
        self._watcher: asyncio.Task | None = None
        self._changed = asyncio.Event()

    async def __aenter__(self) -> "Partners":
        await self._register()
        await self._consumer.start()
        if not self._from_beginning:
            await at_the_end(self._consumer)
        self._watcher = asyncio.create_task(self._watch())
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._watcher:
            self._watcher.cancel()
        for task in [*self._tasks, *self._registered.values()]:
            task.cancel()
        await asyncio.gather(*self._tasks, *self._registered.values(), return_exceptions=True)
        await self._consumer.stop()
        await self._client.aclose()

    async def _register(self) -> None:
        """Register the partner systems with intake, as county IT would; a second simulator finds them there."""
        if self._admin_token is None:
            return
        registrations = [
            (partner_id, channels, ["continuum.contact.submitted.v1", *EXTRA_EVENT_TYPES.get(partner_id, [])])
            for partner_id, channels in PARTNER_SYSTEMS.items()
        ]
        registrations.append((HANDOFF_AT_INTAKE, [], [DISCLOSURE_REQUEST]))
        for partner_id, channels, event_types in registrations:
            secret = partner_secret(self._admin_token, partner_id)
            body = {"partner_id": partner_id, "secret": secret, "channels": channels, "event_types": event_types}
            response = await self._client.post(
                f"{self.urls['intake']}/v1/admin/partners",
                json=body,
                headers={"Authorization": f"Bearer {self._admin_token}"},
            )
            if response.status_code not in (201, 409):
                raise RuntimeError(f"cannot register {partner_id}: {response.status_code} {response.text[:200]}")
            self._credentials[partner_id] = (partner_id, secret)

    async def post(self, scenario: Scenario) -> Journey:
        posted_at, posted_wall = time.monotonic(), time.time()
        response = await self._request(
            "POST",
            f"{self.urls['intake']}{scenario.path}",
            scenario.contact,
            auth=self._credentials.get(scenario.partner_id),
        )
        # 200: a retry after a lost answer (or a timeout) got the first answer back, as a partner's retry should.
        if response.status_code not in (200, 201):
            raise RuntimeError(f"intake refused a contact: {response.status_code} {response.text[:300]}")
        episode_id = response.json()["episode_id"]
        if episode_id in self.journeys:  # intake joined this contact to the person's open episode
            return self.journeys[episode_id]
        journey = Journey(episode_id, scenario, posted_at, self.events[episode_id], posted_wall=posted_wall)
        self.journeys[episode_id] = journey
        self._known.setdefault(episode_id, asyncio.get_running_loop().create_future()).set_result(journey)
        return journey

    async def post_all(self, scenarios: list[Scenario], concurrency: int = 16) -> list[Journey]:
        gate = asyncio.Semaphore(concurrency)

        async def one(scenario: Scenario) -> Journey:
            async with gate:
                return await self.post(scenario)

        return await asyncio.gather(*(one(s) for s in scenarios))

    async def wait_closed(self, episode_ids: list[str], timeout: float) -> list[str]:
        """Wait until every episode is closed; return those still open at the deadline."""
        deadline = time.monotonic() + timeout
        while True:
            open_ = [e for e in episode_ids if not any(s.type == CLOSED for s in self.events[e])]
            if not open_ or time.monotonic() > deadline:
                return open_
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), timeout=1.0)
            except TimeoutError:
                pass

    async def service_view(self, episode_id: str) -> dict:
        """What each service's API says about an episode, read as county IT (status code where it has nothing)."""
        county_it = {"Authorization": f"Bearer {self._admin_token}"} if self._admin_token else {}

        async def get(service: str, path: str) -> object:
            url = f"{self.urls[service]}/v1/episodes/{episode_id}{path}"
            response = await self._client.get(url, headers=county_it)
            return response.json() if response.status_code == 200 else response.status_code

        return {
            "intake": await get("intake", ""),
            "responses": await get("dispatch", "/responses"),
            "handoffs": await get("handoff", "/handoffs"),
            "referrals": await get("handoff", "/referrals"),
            "followups": await get("followup", "/followups"),
        }

    async def health(self) -> dict[str, dict]:
        """Each service's health report, as an operator would read it."""
        return {name: (await self._client.get(f"{url}/health")).json() for name, url in self.urls.items()}

    async def _watch(self) -> None:
        async for record in self._consumer:
            try:
                envelope = from_kafka(record.key, record.value, list(record.headers or []))
            except InvalidEvent:
                continue
            if envelope.id in self._ids:
                continue  # a redelivered record: the partner answers each event once
            self._ids.add(envelope.id)
            seen = Seen.of(envelope, record.timestamp)
            self.events[envelope.subject].append(seen)
            self._changed.set()
            task = asyncio.create_task(self._react(envelope.subject, seen))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    @classmethod
    def of(cls, stack: "Stack", **options) -> "Partners":
        """The partner systems of a county ``stack``: its broker, topic, admin token and every service instance."""
        bootstrap = stack.services["intake"].env["CONTINUUM_KAFKA_BOOTSTRAP"]
        instances = {name: [p.url for p in replicas] for name, replicas in stack.replicas.items()}
        return cls(bootstrap, stack.topic, stack.urls, admin_token=stack.admin_token, instances=instances, **options)

    def phi_on_topic(self, *scenarios: Scenario) -> list[str]:
        """The scenarios' personal details found in any event seen on the topic, of any episode: [] when none."""
        carried = " ".join(str(seen.data) for events in self.events.values() for seen in events)
        return [value for scenario in scenarios for value in scenario.personal_details() if value in carried]

    async def _journey(self, episode_id: str) -> Journey | None:
        future = self._known.setdefault(episode_id, asyncio.get_running_loop().create_future())
        try:
            return await asyncio.wait_for(asyncio.shield(future), timeout=30)
        except TimeoutError:
            return None  # an episode some other partner started: not ours to answer

    async def _react(self, episode_id: str, seen: Seen) -> None:
        journey = await self._journey(episode_id)
        if journey is None:
            return
        data = seen.data
        if seen.type == "continuum.response.assigned.v1" and "mobile_app" in self._answers:
            url = f"{self.urls['dispatch']}/v1/responses/{data['response_id']}/updates"
            if journey.scenario.disposition is None:
                return  # this journey's team does not report back
            team = await self.credentials("dispatch", data["responder_id"])  # the team's app signs in as the team
            for status in self._app_updates:
                body = {"status": status}
                if status == "resolved":
                    body |= {"disposition": journey.scenario.disposition, "needs": journey.scenario.needs}
                await self._request("POST", url, body, auth=team)
        elif seen.type == "continuum.handoff.requested.v1" and "facility" in self._answers:
            facility = await self.credentials("handoff", data["to_party"])
            handoff = f"{self.urls['handoff']}/v1/handoffs/{data['handoff_id']}"
            await self._request("POST", f"{handoff}/accept", None, auth=facility)
            await self._request("POST", f"{handoff}/complete", None, auth=facility)
        elif seen.type == "continuum.referral.sent.v1" and "housing_partner" in self._answers:
            result = {"result": "successful_referral_client_accepted", "result_date": datetime.now(UTC).isoformat()}
            housing = await self.credentials("handoff", data["to_party"])
            url = f"{self.urls['handoff']}/v1/referrals/{data['referral_id']}/result"
            await self._request("POST", url, result, auth=housing)
        elif seen.type == "continuum.followup.scheduled.v1" and "followup_peer" in self._answers:
            # A check-in is due a day or more later, when the person's handoff is long done; the peer here
            # answers at once, so it first waits for the handoffs it would really have come after.
            await eventually(lambda: not handoffs_pending(journey), timeout=30)
            url = f"{self.urls['followup']}/v1/followups/{data['followup_id']}/attempts"
            peer = await self.credentials("followup", data["assigned_peer"])
            await self._request("POST", url, {"reached": True, "channel": "phone"}, auth=peer)

    def credentials_at_intake(self, partner_id: str) -> tuple[str, str]:
        """A registered partner system's HTTP Basic credentials at intake."""
        return self._credentials[partner_id]

    async def credentials(self, service: str, partner_id: str) -> tuple[str, str]:
        """A partner's HTTP Basic credentials at dispatch (a team's app), handoff or followup, registered there by
        county IT the first time it is needed (once per stack: a second simulator finds it registered)."""
        key = (service, partner_id)
        if key not in self._registered:
            self._registered[key] = asyncio.ensure_future(self._register_account(service, partner_id))
        return await asyncio.shield(self._registered[key])

    async def _register_account(self, service: str, partner_id: str) -> tuple[str, str]:
        secret = partner_secret(self._admin_token or "", partner_id)
        body = {"partner_id": partner_id, "secret": secret}
        url = f"{self.urls[service]}/v1/admin/partners"
        response = await self._request("POST", url, body, headers={"Authorization": f"Bearer {self._admin_token}"})
        if response.status_code not in (201, 409):
            raise RuntimeError(f"cannot register {partner_id} with {service}: {response.status_code}")
        return partner_id, secret

    async def _request(
        self,
        method: str,
        url: str,
        body: dict | None,
        auth: tuple[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """Like a partner system: retry while a service is down or restarting; a 409 means already done."""
        delay = 0.1
        while True:
            try:
                async with self._limit:
                    target = self._balancer.route(url)
                    response = await self._client.request(method, target, json=body, auth=auth, headers=headers)
                if response.status_code < 500:
                    if response.status_code >= 400 and response.status_code != 409:
                        log.warning("%s %s -> %s %s", method, url, response.status_code, response.text[:200])
                    return response
            except httpx.TransportError:
                pass
            await asyncio.sleep(delay)
            delay = min(delay * 2, 2.0)
