"""The bench's one readable table (or its JSON) from the figures of every section."""

SERVICES = ("intake", "dispatch", "handoff", "followup")


def _n(value: float | None, digits: int = 0) -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}"


def _phases(result: dict) -> list[tuple[str, dict]]:
    c = result["continuum"]
    return [("saturated", c["saturated"]), *[(f"paced {p['rate']:g}/s", p) for p in c["paced"]]]


def ratios(result: dict) -> dict:
    saturated = result["continuum"]["saturated"]
    raw, faststream = result["raw_relay"]["msg_per_s"], result["faststream_relay"]["msg_per_s"]
    return {
        "episodes_per_s_over_raw_msg_per_s": saturated["episodes_per_s"] / raw,
        "episodes_per_s_over_faststream_msg_per_s": saturated["episodes_per_s"] / faststream,
        "events_per_s_over_raw_msg_per_s": saturated["events_per_s"] / raw,
        "events_per_s_over_faststream_msg_per_s": saturated["events_per_s"] / faststream,
    }


def cpu_table(result: dict) -> dict:
    """Per service (its instances summed) and phase: CPU seconds and CPU ms per closed episode (per contact for
    intake alone); the bench's own process, which plays every partner, as a row of its own."""
    table: dict[str, dict] = {}
    phases = _phases(result) + [("intake alone", result["intake_alone"])]
    for name, phase in phases:
        per = phase.get("closed", phase.get("contacts")) or 1
        spent: dict[str, float] = {}
        for label, seconds in phase["cpu_s"].items():
            spent[label.split("#")[0]] = spent.get(label.split("#")[0], 0.0) + seconds
        table[name] = {label: {"cpu_s": s, "cpu_ms_per_episode": 1000 * s / per} for label, s in spent.items()}
    return table


def render(result: dict) -> str:
    setup = result["setup"]
    raw, fs = result["raw_relay"], result["faststream_relay"]
    lines = [
        f"Continuum bench: broker {setup['kafka']}, database {setup['database']}, {setup['instances']} instance(s)"
        f" per service, {setup['stored']} episode(s) stored before ({setup['stored_how']})",
        "",
        "(a) raw aiokafka relay, CloudEvents headers      "
        f"{_n(raw['msg_per_s']):>10} msg/s   ({raw['messages']} messages, {raw['seconds']:.1f} s)",
        "(b) FastStream subscriber->publisher, defaults  "
        f"{_n(fs['msg_per_s']):>10} msg/s   ({fs['messages']} messages, {fs['seconds']:.1f} s)",
        f"    headers on the sink: raw {', '.join(raw['headers'])}; FastStream {', '.join(fs['headers'])}",
        "",
        "(c) Continuum end to end      episodes closed   seconds  episodes/s  events/s  ev/episode"
        "  assigned p50  p99 ms  on topic p50  p99 ms",
    ]
    for name, p in _phases(result):
        lines.append(
            f"    {name:<24} {p['closed']:>6}/{p['episodes']:<6} {p['seconds']:>9.1f} {p['episodes_per_s']:>11.2f}"
            f" {p['events_per_s']:>9.0f} {p['events_per_episode']:>11.1f} {_n(p['assign_p50_ms']):>13}"
            f" {_n(p['assign_p99_ms']):>6} {_n(p['on_topic_p50_ms']):>13} {_n(p['on_topic_p99_ms']):>6}"
        )
    d = result["intake_alone"]
    lines += [
        "",
        f"(d) intake alone, {d['clients']} clients        {_n(d['contacts_per_s'])} contacts/s"
        f"   p50 {_n(d['p50_ms'])} ms  p99 {_n(d['p99_ms'])} ms   ({d['contacts']} contacts, {d['refused']} refused)",
        "",
        "(e) CPU seconds (ms per closed episode; per contact for intake alone)",
    ]
    table = cpu_table(result)
    labels = [*SERVICES, "bench"]
    lines.append("    " + " " * 16 + "".join(f"{label:>18}" for label in labels))
    for phase, row in table.items():
        cells = "".join(
            f"{row[label]['cpu_s']:>8.1f} ({row[label]['cpu_ms_per_episode']:>6.1f})" if label in row else f"{'-':>18}"
            for label in labels
        )
        lines.append(f"    {phase:<16}{cells}")
    lines += _scale_out(result["scale_out"])
    r = ratios(result)
    lines += [
        "",
        "ratios, saturated (c) to (a) and (b)",
        f"    episodes/s / raw msg/s        {r['episodes_per_s_over_raw_msg_per_s']:.4f}"
        f"    episodes/s / FastStream msg/s  {r['episodes_per_s_over_faststream_msg_per_s']:.4f}",
        f"    events/s   / raw msg/s        {r['events_per_s_over_raw_msg_per_s']:.4f}"
        f"    events/s   / FastStream msg/s  {r['events_per_s_over_faststream_msg_per_s']:.4f}",
    ]
    return "\n".join(lines)


def _scale_out(runs: list[dict]) -> list[str]:
    if not runs:
        return []
    lines = [
        "",
        "(f) scale-out on PostgreSQL, saturated   episodes closed   seconds  episodes/s  assigned p99 ms"
        "  CPU ms/episode, all services",
    ]
    for run in runs:
        cpu = sum(seconds for label, seconds in run["cpu_s"].items() if label.split("#")[0] in SERVICES)
        lines.append(
            f"    {run['instances']} instance(s) per service {run['closed']:>9}/{run['episodes']:<6}"
            f" {run['seconds']:>9.1f} {run['episodes_per_s']:>11.2f} {_n(run['assign_p99_ms']):>16}"
            f" {_n(1000 * cpu / (run['closed'] or 1)):>29}"
        )
    lines.append(
        "    Every instance shares this machine's cores: with more instances than cores the figure shows what"
        " coordinating them costs (shard locks, rebalances, a pool each), not a gain. Where each instance has a"
        " core of its own, a service grows with its instances up to the topic's partitions, until its database's"
        " writes are the limit."
    )
    return lines
