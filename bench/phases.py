"""Continuum's own figures: (c) episodes end to end, saturated and paced, and (d) intake alone, each with the
CPU every process spent on it (e).

Each phase's partners read the topic from where it ends when the phase starts: reading it from the beginning, a
phase's first contacts waited (and the bench spent CPU) while the partners read every event of the phases before,
which put up to half a second on the paced p99s."""

import asyncio
import statistics
import time

import httpx
from continuum_sim.journeys import Journey
from continuum_sim.partners import Partners
from continuum_sim.scenarios import homeless_911_call, sample, warmline_call
from continuum_sim.stack import Stack
from county import Meter, register_at_intake

ASSIGNED = "continuum.response.assigned.v1"
KINDS = [homeless_911_call, warmline_call]


def percentile(values: list[float], q: int) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def _ms(values: list[float], q: int) -> float | None:
    value = percentile(values, q)
    return None if value is None else 1000 * value


def _on_topic(journey: Journey) -> float | None:
    """Seconds from the contact posted to the assignment's record on the topic (its timestamp, taken as dispatch's
    relay sent it): the assignment as any partner could have it, without the time the bench's own busy event loop
    took to read it (``seen_at``), which is the bench's latency, not Continuum's."""
    assigned = journey.first(ASSIGNED)
    if assigned is None or assigned.on_topic_at is None or journey.posted_wall is None:
        return None
    return assigned.on_topic_at - journey.posted_wall


async def _paced(partners: Partners, scenarios: list, rate: float) -> list:
    """Post at a steady rate, as contacts arrive in life, instead of all at once (each on its own schedule, so a
    slow answer does not hold back the next contact)."""
    start, tasks = time.monotonic(), []
    for n, scenario in enumerate(scenarios):
        await asyncio.sleep(max(0.0, start + n / rate - time.monotonic()))
        tasks.append(asyncio.create_task(partners.post(scenario)))
    return await asyncio.gather(*tasks)


async def warm_up(stack: Stack, count: int, seed: int, timeout: float = 300) -> int:
    """``count`` episodes posted and closed before anything is measured, so that what is measured is the steady
    state: every partner in them registered at every service it calls and its secret checked once (scrypt,
    ~50 ms, once per partner and process), each service's statements compiled and its connections open."""
    if count <= 0:
        return 0
    async with Partners.of(stack, app_updates=("resolved",), from_beginning=False) as partners:
        journeys = await partners.post_all(sample(count, seed=seed, kinds=KINDS), concurrency=16)
        ids = list(dict.fromkeys(j.episode_id for j in journeys))
        still_open = await partners.wait_closed(ids, timeout=timeout)
    if still_open:
        raise RuntimeError(f"{len(still_open)} warm-up episode(s) never closed")
    return len(ids)


async def episodes(stack: Stack, count: int, rate: float | None, seed: int, timeout: float = 900) -> dict:
    """``count`` episodes posted all at once (rate None: saturation, 16 partner connections) or at ``rate`` per
    second, from the first contact posted to the last episode closed, with the CPU each process spent."""
    scenarios = sample(count, seed=seed, kinds=KINDS)
    async with Partners.of(stack, app_updates=("resolved",), from_beginning=False) as partners:
        meter = Meter(stack)
        started = time.monotonic()
        if rate is None:
            journeys = await partners.post_all(scenarios, concurrency=16)
        else:
            journeys = await _paced(partners, scenarios, rate)
        ids = list(dict.fromkeys(j.episode_id for j in journeys))  # intake may join two contacts of one person
        still_open = await partners.wait_closed(ids, timeout=timeout)
        elapsed = time.monotonic() - started
        cpu = meter.spent()
    assigned = [j.first(ASSIGNED).seen_at - j.posted_at for j in journeys if j.first(ASSIGNED)]
    published = [seconds for j in journeys if (seconds := _on_topic(j)) is not None]
    closed = len(ids) - len(still_open)
    events = sum(len(partners.events[e]) for e in ids)
    return {
        "rate": rate,
        "contacts": count,
        "episodes": len(ids),
        "closed": closed,
        "seconds": elapsed,
        "episodes_per_s": closed / elapsed,
        "events_per_s": events / elapsed,
        "events_per_episode": events / max(1, len(ids)),
        "assigned": len(assigned),
        "assign_p50_ms": _ms(assigned, 50),
        "assign_p99_ms": _ms(assigned, 99),
        "on_topic_p50_ms": _ms(published, 50),
        "on_topic_p99_ms": _ms(published, 99),
        "cpu_s": cpu,
    }


async def intake_alone(stack: Stack, contacts: int, clients: int, seed: int) -> dict:
    """``clients`` concurrent HTTP clients (one connection each, a registered partner's Basic credentials)
    posting ``contacts`` contacts to intake with nothing else running: contacts/s and each answer's latency.
    Each client first posts one contact untimed (its connection opened, intake's first answers warm)."""
    scenarios = sample(contacts + clients, seed=seed, kinds=KINDS)
    credentials = {
        s.partner_id: await asyncio.to_thread(register_at_intake, stack, s.partner_id, [s.channel]) for s in scenarios
    }
    urls = [p.url for p in stack.replicas["intake"]]
    queue: asyncio.Queue = asyncio.Queue()
    for scenario in scenarios[clients:]:
        queue.put_nowait(scenario)
    latencies: list[float] = []
    refused: list[int] = []
    warm = asyncio.Barrier(clients + 1)
    go = asyncio.Event()

    async def client(n: int) -> None:
        url = urls[n % len(urls)]
        async with httpx.AsyncClient(base_url=url, timeout=30.0, limits=httpx.Limits(max_connections=1)) as http:
            first = scenarios[n]
            await http.post(first.path, json=first.contact, auth=credentials[first.partner_id])
            await warm.wait()
            await go.wait()
            while not queue.empty():
                scenario = queue.get_nowait()
                posted = time.perf_counter()
                answer = await http.post(scenario.path, json=scenario.contact, auth=credentials[scenario.partner_id])
                latencies.append(time.perf_counter() - posted)
                if answer.status_code not in (200, 201):
                    refused.append(answer.status_code)

    running = [asyncio.create_task(client(n)) for n in range(clients)]
    await warm.wait()
    meter = Meter(stack)
    started = time.perf_counter()
    go.set()
    await asyncio.gather(*running)
    elapsed = time.perf_counter() - started
    return {
        "contacts": contacts,
        "clients": clients,
        "refused": len(refused),
        "seconds": elapsed,
        "contacts_per_s": contacts / elapsed,
        "p50_ms": _ms(latencies, 50),
        "p99_ms": _ms(latencies, 99),
        "cpu_s": meter.spent(),
    }
