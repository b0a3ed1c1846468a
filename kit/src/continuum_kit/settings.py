"""Settings every service shares; a service subclasses it. Nothing else reads the environment."""

import sys
from pathlib import Path
from typing import Annotated, Literal, Self, TypeVar

from continuum_contracts import DEAD_LETTER_TOPIC, EPISODE_TOPIC
from limits import parse
from pydantic import AfterValidator, AwareDatetime, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from pydantic_settings.exceptions import SettingsError

DEVELOPMENT_ESCAPE = "(or CONTINUUM_ENVIRONMENT=development)"
PARTNER_SECRET_MIN_LENGTH = 24
"""The shortest secret a partner account may have (the admin API refuses a shorter one at registration)."""


def _account_secret(secret: SecretStr | None) -> SecretStr | None:
    if secret is not None and len(secret.get_secret_value()) < PARTNER_SECRET_MIN_LENGTH:
        raise ValueError(
            f"is shorter than {PARTNER_SECRET_MIN_LENGTH} characters: no partner account can have it, so the other "
            "service would refuse every call; set the secret registered for this service there"
        )
    return secret


AccountSecret = Annotated[SecretStr | None, AfterValidator(_account_secret)]
"""A setting holding this service's own partner secret at another service (unset: that service is not called)."""


class ServiceSettings(BaseSettings):
    """Read from ``CONTINUUM_*`` environment variables (or an env file named by the deployment)."""

    # A bad secret must not be echoed back in the startup error.
    model_config = SettingsConfigDict(env_prefix="CONTINUUM_", extra="ignore", hide_input_in_errors=True)

    environment: Literal["development", "production"] = Field(
        default="production",
        description="production refuses to start with a development secret or none; the demo, the sim's Stack "
        "and the tests say development",
    )
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
    http_max_in_flight: int = Field(
        default=16, ge=1, description="requests one process works on at once (keep it under the database pool's 20)"
    )
    http_queue_seconds: float = Field(
        default=2.0, ge=0, description="how long a further request waits for a slot before it is answered 503"
    )
    database_wait_seconds: float = Field(
        default=5.0, gt=0, description="how long a transaction waits for a pooled connection or a PostgreSQL lock"
    )
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
    partner_cache_seconds: float = Field(
        default=5.0, ge=0, description="how long a partner account read for sign-in is kept (accounts.py); 0: never"
    )
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

    def default_secrets(self) -> list[str]:
        """Each secret still unset or at its public development value, as a sentence naming its variable (never
        the value). A service with secrets of its own extends this; production refuses to start on any."""
        if self.admin_token is None:
            return ["CONTINUUM_ADMIN_TOKEN is unset; set a token of your own, at least 16 characters"]
        return []

    @model_validator(mode="after")
    def _no_default_secrets_in_production(self) -> Self:
        if self.environment == "production" and (problems := self.default_secrets()):
            raise ValueError("\n".join(f"{problem} {DEVELOPMENT_ESCAPE}" for problem in problems))
        return self

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


S = TypeVar("S", bound=ServiceSettings)


def load_settings(settings_class: type[S]) -> S:
    """A process's settings from its environment. A bad or refused setting stops the process at start-up with
    exit status 2 and one line per problem naming its variable, never its value (no traceback)."""
    try:
        return settings_class()
    except (ValidationError, SettingsError) as error:
        service = settings_class.model_fields["service_name"].default
        for problem in startup_problems(error):
            print(f"{service}: cannot start: {problem}", file=sys.stderr)
        raise SystemExit(2) from None


def startup_problems(error: ValidationError | SettingsError) -> list[str]:
    """What is wrong, one line each, each naming the CONTINUUM_* variable; the input is never repeated."""
    if isinstance(error, SettingsError):
        return [str(error).splitlines()[0]]
    problems = []
    for detail in error.errors(include_input=False, include_url=False):
        cause = detail.get("ctx", {}).get("error")
        message = str(cause) if isinstance(cause, ValueError) else detail["msg"]
        field, *rest = detail["loc"] or ("",)
        where = f"CONTINUUM_{str(field).upper()}" + "".join(f"[{part}]" for part in rest) if field else ""
        problems.extend(f"{where}: {line}" if where else line for line in message.splitlines())
    return problems
