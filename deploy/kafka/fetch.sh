# The Kafka jars from Maven Central and the compiled readiness probe: deploy/kafka.sh fetch.
# shellcheck shell=bash

# ---------------------------------------------------------------- fetch ----

fetch() {
    mkdir -p "$KAFKA_HOME"
    # Serialize concurrent fetches (e.g. two test sessions starting at once).
    exec 9>"$KAFKA_HOME/.lock"
    flock 9

    # The stamp holds the pom's checksum so an edited pom triggers a re-fetch.
    local stamp=$LIBS/.fetched want
    want=$(sha256sum "$POM" | cut -d' ' -f1)
    if [[ ! -f $stamp || $(cat "$stamp") != "$want" ]]; then
        command -v mvn >/dev/null || die "mvn not found (needed once to fetch the Kafka jars from Maven Central)"
        log "fetching Kafka $KAFKA_VERSION jars from Maven Central into $LIBS ..."
        local tmp=$LIBS.tmp
        rm -rf "$tmp"
        # Maven 3.8 -q still prints bare colour codes on stdout: strip them and
        # send everything to stderr so stdout stays clean for callers.
        mvn -q -B org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
            -DoutputDirectory="$tmp" -DincludeScope=runtime -f "$POM" 2>&1 \
            | sed -u 's/\x1b\[[0-9;]*m//g; /^$/d' >&2 \
            || die "maven could not fetch the Kafka jars (see output above)"
        [[ -f $tmp/kafka_2.13-$KAFKA_VERSION.jar && -f $tmp/kafka-clients-$KAFKA_VERSION.jar ]] \
            || die "fetch incomplete: kafka jars missing in $tmp"
        rm -rf "$LIBS"
        mv "$tmp" "$LIBS"
        echo "$want" >"$LIBS/.fetched"
        log "fetched $(find "$LIBS" -name '*.jar' | wc -l) jars"
    fi

    # The readiness probe (an AdminClient describeCluster): the kafka-tools jar
    # (TopicCommand, kafka-topics) is not a dependency of kafka_2.13, so we
    # compile our own 60-line probe against kafka-clients.
    if [[ ! -f $PROBE_CLASSES/KafkaProbe.class || $PROBE_SRC -nt $PROBE_CLASSES/KafkaProbe.class \
          || $LIBS/.fetched -nt $PROBE_CLASSES/KafkaProbe.class ]]; then
        command -v javac >/dev/null || die "javac not found (a JDK, not just a JRE, is needed)"
        rm -rf "$PROBE_CLASSES"
        mkdir -p "$PROBE_CLASSES"
        javac -nowarn -cp "$LIBS/*" -d "$PROBE_CLASSES" "$PROBE_SRC" >&2 || die "could not compile $PROBE_SRC"
    fi
    exec 9>&-
}
