# Continuum's everyday commands. Each works on a fresh machine: it installs what it needs first.
.PHONY: setup demo test bench images engine kafka-start kafka-stop postgres-start postgres-stop

setup:
	bash deploy/install.sh all

# Continuum's main job on its embedded defaults: local Kafka, the four services on SQLite, a
# synthetic day of crisis traffic compressed to about three minutes, and its outcome report.
# Flags: uv run continuum-day --help (--contacts, --scale, --seed, --json).
demo: setup
	uv run continuum-day

# Starts Kafka and PostgreSQL, runs every test against them, stops them again.
test: setup
	bash deploy/kafka.sh start
	bash deploy/postgres.sh start
	uv run ruff check .
	uv run pytest; status=$$?; bash deploy/kafka.sh stop; bash deploy/postgres.sh stop; exit $$status

# The throughput and latency figures, on the local broker (and PostgreSQL for the scale-out runs); flags: make bench BENCH_ARGS="--help".
bench: setup
	bash deploy/kafka.sh start
	bash deploy/postgres.sh start
	uv run python bench/bench.py $(BENCH_ARGS); status=$$?; bash deploy/kafka.sh stop; bash deploy/postgres.sh stop; \
		exit $$status

# Every image docker-compose.yml uses, from a Debian base (CONTINUUM_BASE=debootstrap, the default, or debian),
# after making sure a Docker engine runs and has the compose and buildx plugins (deploy/images/).
images: engine
	bash deploy/images/build.sh

engine:
	bash deploy/images/engine.sh

kafka-start:
	bash deploy/kafka.sh start
kafka-stop:
	bash deploy/kafka.sh stop
postgres-start:
	bash deploy/postgres.sh start
postgres-stop:
	bash deploy/postgres.sh stop
