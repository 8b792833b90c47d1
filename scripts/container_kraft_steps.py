"""The container suite's check of docker-compose.yml's `kraft` profile (imported by scripts/container_suite.py).

3 KRaft controllers and 3 KRaft brokers from the broker image, started by naming their services
(podman-compose 1.0.3 ignores profiles; `docker compose --profile kraft up` is the Docker form): the
brokers register with the quorum and kcat on the host sees all 3 through their published ports; an
RF 3 topic takes 1,000 keyed records from kcat (acks=all) and gives them all back. Then the project
is removed again.
"""

import json
import time

SERVICES = ["controller-1", "controller-2", "controller-3", "kraft-broker-1", "kraft-broker-2", "kraft-broker-3"]
TOPIC = "kraft-containers"
RECORDS = 1_000


class KRaftSteps:
    def __init__(self, suite, run, wait_for, log, failure, free_ports, zkafka):
        self.suite, self.run, self.wait_for, self.log, self.failure = suite, run, wait_for, log, failure
        self.ports = dict(zip((1, 2, 3), free_ports(3)))
        for broker, port in self.ports.items():
            suite.env[f"ZKAFKA_KRAFT_BROKER_{broker}_PORT"] = str(port)
        self.zkafka = zkafka

    def bootstrap(self):
        return ",".join(f"127.0.0.1:{port}" for port in self.ports.values())

    def step(self):
        started = time.monotonic()
        self.suite.compose("up", "-d", *SERVICES, timeout=300)

        def three_brokers():
            metadata = json.loads(self.run(["kcat", "-L", "-J", "-b", f"127.0.0.1:{self.ports[1]}", "-m", "5"],
                                           timeout=30).stdout)
            return sorted(b["id"] for b in metadata["brokers"]) == [1, 2, 3]
        self.wait_for("3 KRaft brokers in Metadata through 127.0.0.1", three_brokers, timeout=240, interval=3)
        self.log(f"3 controllers and 3 KRaft brokers up after {time.monotonic() - started:.0f} s")
        self.run([self.zkafka, "topics", "--bootstrap-server", f"127.0.0.1:{self.ports[1]}", "--create", "--topic", TOPIC,
                  "--partitions", "3", "--replication-factor", "3"], timeout=120)
        lines = "".join(f"key-{i}:value-{i}\n" for i in range(RECORDS))
        self.wait_for("kcat to produce every record with acks=all", lambda: self.run(
            ["kcat", "-P", "-b", self.bootstrap(), "-t", TOPIC, "-K", ":", "-X", "acks=all"], timeout=120,
            input=lines).returncode == 0, timeout=120, interval=3)

        def consumed():
            result = self.run(["kcat", "-C", "-b", self.bootstrap(), "-t", TOPIC, "-o", "beginning", "-e", "-q",
                               "-f", "%k=%s\n"], timeout=120)
            return {line for line in result.stdout.splitlines() if line} >= {f"key-{i}=value-{i}" for i in range(RECORDS)}
        self.wait_for(f"all {RECORDS} records consumed back", consumed, timeout=90, interval=3)
        self.log(f"{RECORDS} keyed records through an RF 3 topic on the KRaft brokers, all consumed back")
