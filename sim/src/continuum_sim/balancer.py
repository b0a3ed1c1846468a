"""Where a partner's request to a service goes when the service runs as several instances."""

import itertools


class RoundRobin:
    """Requests go round a service's instances, as a load balancer's would; a retry goes to the next one, so a
    request an instance does not answer (killed, restarting) is taken by another."""

    def __init__(self, first: dict[str, str], instances: dict[str, list[str]] | None = None) -> None:
        self._first = first  # each service's first instance: the URLs requests are written against
        self._instances = {name: urls for name, urls in (instances or {}).items() if len(urls) > 1}
        self._turn = itertools.count()

    def route(self, url: str) -> str:
        for name, replicas in self._instances.items():
            if url.startswith(first := self._first[name]):
                return replicas[next(self._turn) % len(replicas)] + url[len(first) :]
        return url
