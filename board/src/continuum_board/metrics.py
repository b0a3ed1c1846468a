"""The crisis KPIs as OpenTelemetry metrics: histograms recorded as the read model learns each duration,
counters and rates observed from the read model at each collection. Attributes are codes only."""

from collections.abc import Callable, Iterable, Sequence

from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
from opentelemetry.metrics import CallbackOptions, Observation
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import MetricReader, PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource

from continuum_board.config import BoardSettings
from continuum_board.kpis import Kpis, KpiSource, attributes, dimensions
from continuum_board.store import EpisodeRow

PREFIX = "continuum.crisis"
DURATIONS = {
    "time_to_answer": "the person's wait before a counselor or peer answered, as the answering line reported it",
    "time_to_triage": "first contact received to triaged",
    "time_to_assign": "triaged to the first response assigned",
    "time_to_respond": "triaged to the first responder on scene (or the response resolved)",
}
# Cumulative counts over the read model: they only grow, so they are counters.
COUNTS: dict[str, tuple[str, Callable[[Kpis], int]]] = {
    "episodes": ("triaged episodes", lambda k: k.episodes),
    "deflection.eligible": ("episodes eligible for law-enforcement deflection", lambda k: k.deflection_eligible),
    "deflection.deflected": ("episodes where police were deflected", lambda k: k.police_deflections),
    "handoffs.requested": ("warm handoffs requested", lambda k: k.handoffs_requested),
    "handoffs.completed": ("warm handoffs completed", lambda k: k.handoffs_completed),
    "followup.due_24h": ("follow-ups 24 h old or reached", lambda k: k.followups_due_24h),
    "followup.within_24h": ("follow-ups that reached the person within 24 h", lambda k: k.followups_within_24h),
    "followup.due_72h": ("follow-ups 72 h old or reached", lambda k: k.followups_due_72h),
    "followup.within_72h": ("follow-ups that reached the person within 72 h", lambda k: k.followups_within_72h),
}
RATES: dict[str, tuple[str, Callable[[Kpis], float | None]]] = {
    "deflection.rate": ("police deflection rate", lambda k: k.police_deflection_rate),
    "handoffs.completion_rate": ("handoff completion rate", lambda k: k.handoff_completion_rate),
    "followup.within_24h_rate": ("follow-up within 24 h rate", lambda k: k.followup_24h_rate),
    "followup.within_72h_rate": ("follow-up within 72 h rate", lambda k: k.followup_72h_rate),
}


class BoardMetrics:
    def __init__(self, settings: BoardSettings, source: KpiSource, readers: Sequence[MetricReader] = ()) -> None:
        self.settings = settings
        self.source = source
        self.dims = dimensions(settings)
        all_readers = list(readers)
        if settings.otlp_endpoint:
            exporter = OTLPMetricExporter(endpoint=f"{settings.otlp_endpoint.rstrip('/')}/v1/metrics")
            interval = int(settings.metric_export_seconds * 1000)
            all_readers.append(PeriodicExportingMetricReader(exporter, export_interval_millis=interval))
        self.provider = MeterProvider(
            resource=Resource.create({"service.name": f"continuum-{settings.service_name}"}),
            metric_readers=all_readers,
        )
        meter = self.provider.get_meter("continuum_board")
        self.histograms = {
            name: meter.create_histogram(f"{PREFIX}.{name}", unit="s", description=description)
            for name, description in DURATIONS.items()
        }
        for name, (description, value) in COUNTS.items():
            meter.create_observable_counter(
                f"{PREFIX}.{name}", callbacks=[self._observe(value)], unit="{episode}", description=description
            )
        for name, (description, value) in RATES.items():
            meter.create_observable_gauge(
                f"{PREFIX}.{name}", callbacks=[self._observe(value)], unit="1", description=description
            )

    def observe_duration(self, name: str, seconds: float, episode: EpisodeRow) -> None:
        """Called by the projection after the transaction that learnt the duration committed."""
        self.histograms[name].record(seconds, attributes(episode, self.dims))

    def _observe(self, value: Callable[[Kpis], float | int | None]):  # noqa: ANN202 - an OTel callback
        def callback(_options: CallbackOptions) -> Iterable[Observation]:
            for key, kpis in self.source.by_all_dimensions().items():
                measured = value(kpis)
                if measured is not None:
                    yield Observation(measured, dict(zip(self.dims, key, strict=True)))

        return callback

    def shutdown(self) -> None:
        self.provider.shutdown()
