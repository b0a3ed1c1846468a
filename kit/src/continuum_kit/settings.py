"""Settings every service shares; a service subclasses it. Nothing else reads the environment."""

from pathlib import Path

from continuum_contracts import DEAD_LETTER_TOPIC, EPISODE_TOPIC
from limits import parse
from pydantic import AwareDatetime, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    """Read from ``CONTINUUM_*`` environment variables (or an env file named by the deployment)."""

    model_config = SettingsConfigDict(env_prefix="CONTINUUM_", extra="ignore")

    service_name: str = "continuum"
    http_host: str = "127.0.0.1"
    http_port: int = 8000
    kafka_bootstrap: str = Field(
        default="127.0.0.1:19092",
        description="host:port of one or more brokers, comma-separated (any of a cluster's addresses will do)",
    )
    episode_topic: str = EPISODE_TOPIC
    dead_letter_topic: str = DEAD_LETTER_TOPIC
    topic_partitions: int = Field(default=6, ge=1)
    topic_replication: int = Field(default=1, ge=1)
    data_dir: Path = Path(".continuum")
    database_url: str | None = Field(default=None, description="SQLAlchemy URL; unset means a SQLite file in data_dir")
    otlp_endpoint: str | None = Field(default=None, description="OTLP/HTTP traces endpoint, e.g. http://jaeger:4318")
    relay_poll_seconds: float = Field(default=0.5, gt=0)
    retry_initial_seconds: float = Field(default=0.2, gt=0)
    retry_max_seconds: float = Field(default=5.0, gt=0)
    timer_sweep_seconds: float = Field(default=1.0, gt=0, description="how often due timers are swept")
    # Simulations only (a compressed day): unset, services read the system clock.
    clock_scale: float = Field(default=1.0, gt=0, description="how many times faster than the wall time runs")
    clock_start: AwareDatetime | None = Field(default=None, description="the simulated time at clock_anchor")
    clock_anchor: AwareDatetime | None = Field(
        default=None, description="the wall-clock instant at which the clock reads clock_start"
    )

    admin_token: SecretStr | None = Field(
        default=None, description="county IT's bearer token for a service's admin API; unset disables that API"
    )
    group_prefix: str = Field(default="continuum", description="consumer groups are {group_prefix}-{service}")
    failed_credentials_per_client: str = Field(
        default="10/minute", description="failed credential checks one client address may make (limits notation)"
    )
    failed_credentials_per_partner: str = Field(
        default="20/minute", description="failed credential checks one partner id may have (limits notation)"
    )

    @field_validator("kafka_bootstrap")
    @classmethod
    def _broker_addresses(cls, value: str) -> str:
        addresses = [address.strip() for address in value.split(",")]
        for address in addresses:
            host, _, port = address.rpartition(":")
            if not host or not port.isdigit():
                raise ValueError(f"each broker address must be host:port, got {address!r}")
        return ",".join(addresses)

    @field_validator("failed_credentials_per_client", "failed_credentials_per_partner")
    @classmethod
    def _rate_limit(cls, value: str) -> str:
        try:
            parse(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a rate limit such as 10/minute") from None
        return value

    @property
    def kafka_servers(self) -> list[str]:
        """The broker addresses as a list: what the Kafka clients take (a comma-joined string is one host to some)."""
        return self.kafka_bootstrap.split(",")

    @field_validator("admin_token")
    @classmethod
    def _admin_token_long_enough(cls, token: SecretStr | None) -> SecretStr | None:
        if token is not None and len(token.get_secret_value()) < 16:
            raise ValueError("admin_token must be at least 16 characters")
        return token

    @property
    def consumer_group(self) -> str:
        return f"{self.group_prefix}-{self.service_name}"

    @property
    def source(self) -> str:
        """The CloudEvents ``source`` of everything this service publishes."""
        return f"/continuum/{self.service_name}"

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{(self.data_dir / f'{self.service_name}.db').resolve()}"
