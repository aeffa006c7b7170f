#!/bin/sh
# The command line of the SigmaQuant image this runs in (`sigmaquant` in the controller image, `sigmaquant-agent`
# in the agent image), for the lab's scripts and for `docker compose exec pki sh /lab/cli.sh ...`: Jib writes the
# application's classpath and main class into every image it builds. `exec`: the JVM takes this process's place,
# so that a stop signal reaches it.
java="${JAVA_HOME:-$(ls -d /usr/lib/jvm/java-17-openjdk-* | head -n 1)}/bin/java"
# the JVM flags of the images' own entrypoint
exec "$java" -XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -cp @/app/jib-classpath-file \
  "$(cat /app/jib-main-class-file)" "$@"
