#!/usr/bin/python3
"""The container suite: docker-compose.yml's cluster under Podman, driven from the host.

Run by scripts/test.sh (so by CI) after scripts/setup.sh has installed podman, podman-compose, runc
and debootstrap; skipped, with the reason printed, where no container engine works. Steps, each
bounded in time:

  1. images     scripts/build_images.sh builds (or reuses) the base, ZooKeeper and broker images
  2. up         podman-compose brings up 3 ZooKeeper servers and 3 brokers on free 127.0.0.1 ports;
                every broker registers both listeners (INTERNAL on the compose network, EXTERNAL
                on 127.0.0.1) in /brokers/ids/<id>
  3. produce    an RF 3 topic; 10,000 keyed records produced with kcat from the host (acks=all)
                and consumed back with kcat, every key and value present
  4. controller `podman kill --signal KILL` of the controller's container: another broker is
                elected in /controller with a higher /controller_epoch; the container restarts and
                rejoins every ISR
  5. partition  `podman network disconnect` of a partition leader's container: its registration
                expires, its partitions get other leaders, it leaves every ISR
  6. rejoin     `podman network connect` again: it re-registers and rejoins every ISR; the 10,000
                records are all still there
  7. down       `podman-compose down -v`: no container, volume or network of the project is left
  8-11. the same cluster through `zkafka cluster up --containers` and its status, kill, start,
                partition, heal, trace and down commands (scripts/container_cli_steps.py)
  12. kraft     the compose file's `kraft` profile: 3 KRaft controllers and 3 KRaft brokers, 1,000
                records through an RF 3 topic (scripts/container_kraft_steps.py)
Teardown (containers, volumes, network) always runs. Prints one PASS/FAIL line per step and
`containers: N passed, N failed`; exits 1 if a step failed, 0 if the suite passed or was skipped.

Environment: ZKAFKA_CONTAINER_TESTS=0 skips the suite; ZKAFKA_CONTAINER_BUILD=debug|release picks
the zkafka build that goes into the broker image (default debug: scripts/test.sh has just built it,
and a release build would add minutes to CI); ZKAFKA_CONTAINER_KEEP=1 leaves the cluster up.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

from container_cli_steps import CliSteps
from container_kraft_steps import KRaftSteps

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONTAINERS_CONF = os.path.join(ROOT, "containers", "podman-containers.conf")
RECORDS = 10_000
TOPIC = "containers"
PARTITIONS = 6


class StepFailed(Exception):
    pass


def log(message):
    print(f"  [{time.strftime('%H:%M:%S')}] {message}", flush=True)


def run(command, timeout, check=True, input=None, env=None):
    """Runs command (a list) with a time bound; returns CompletedProcess with text output."""
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, input=input,
                                env=env or ENV, cwd=ROOT)
    except subprocess.TimeoutExpired:
        raise StepFailed(f"`{' '.join(command)[:200]}` did not finish within {timeout} s")
    if check and result.returncode != 0:
        output = (result.stdout + result.stderr).strip()[-2000:]
        raise StepFailed(f"`{' '.join(command)[:200]}` exited {result.returncode}: {output}")
    return result


def wait_for(description, predicate, timeout, interval=1.0):
    """Polls predicate() until it returns a truthy value, or fails the step after timeout seconds."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except Exception as error:  # a poll that fails now may succeed later
            last_error = error
        time.sleep(interval)
    raise StepFailed(f"timed out after {timeout} s waiting for {description}"
                     + (f" (last error: {last_error})" if last_error else ""))


def free_ports(count):
    sockets, ports = [], []
    for _ in range(count):
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        sockets.append(sock)
        ports.append(sock.getsockname()[1])
    for sock in sockets:
        sock.close()
    return ports


def skip_reason():
    if os.environ.get("ZKAFKA_CONTAINER_TESTS") == "0":
        return "ZKAFKA_CONTAINER_TESTS=0"
    for tool in ("podman", "podman-compose", "debootstrap", "kcat"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (scripts/setup.sh installs it on Debian)"
    try:
        import kazoo  # noqa: F401
    except ImportError:
        return "python3-kazoo is not installed"
    if os.geteuid() != 0:
        return "the suite runs rootful Podman and needs root"
    probe = subprocess.run(["podman", "info", "--format", "{{.Host.OCIRuntime.Name}}"],
                           capture_output=True, text=True, timeout=60, env=ENV)
    if probe.returncode != 0:
        return f"podman does not work here: {(probe.stderr or probe.stdout).strip()[-300:]}"
    return None


ENV = dict(os.environ, CONTAINERS_CONF=os.environ.get("CONTAINERS_CONF", CONTAINERS_CONF))


def remove_project(project, env):
    """Removes a compose project's containers, volumes and network: `podman-compose down -v`, then by label."""
    label = f"label=io.podman.compose.project={project}"
    try:
        subprocess.run(["podman-compose", "--project-name", project, "--file", "docker-compose.yml", "down", "-v"],
                       capture_output=True, timeout=180, env=env, cwd=ROOT)
    except subprocess.TimeoutExpired:
        log(f"`podman-compose down` of {project} did not finish within 180 s; removing by label")
    for listing, removal in ((["podman", "ps", "--all", "--quiet", "--filter", label], ["podman", "rm", "--force", "--time", "0"]),
                             (["podman", "volume", "ls", "--quiet", "--filter", label], ["podman", "volume", "rm", "--force"])):
        try:
            names = subprocess.run(listing, capture_output=True, text=True, timeout=60, env=ENV).stdout.split()
            if names:
                subprocess.run(removal + names, capture_output=True, timeout=120, env=ENV)
        except subprocess.TimeoutExpired:
            log(f"`{' '.join(listing)}` timed out during teardown")
    try:
        subprocess.run(["podman", "network", "rm", "--force", f"{project}_default"], capture_output=True, timeout=60, env=ENV)
        left = subprocess.run(["podman", "ps", "--all", "--quiet", "--filter", label], capture_output=True, text=True,
                              timeout=60, env=ENV).stdout.split()
    except subprocess.TimeoutExpired:
        left = ["(unknown: podman timed out)"]
    log(f"{project} torn down" + (f", but containers remain: {left}" if left else ""))


def remove_stale_projects():
    """Projects of earlier runs of this suite whose process is gone (killed before its teardown)."""
    listing = subprocess.run(["podman", "ps", "--all", "--filter", "label=io.podman.compose.project",
                              "--format", '{{index .Labels "io.podman.compose.project"}}'],
                             capture_output=True, text=True, timeout=60, env=ENV)
    for project in sorted(set(listing.stdout.split())):
        if project.startswith("zkafka-test-") and project[len("zkafka-test-"):].isdigit():
            if not os.path.exists(f"/proc/{project[len('zkafka-test-'):]}"):
                log(f"removing {project}, left by an earlier run")
                remove_project(project, ENV)


class Suite:
    def __init__(self):
        self.project = f"zkafka-test-{os.getpid()}"
        self.network = f"{self.project}_default"
        ports = free_ports(6)
        self.zookeeper_ports = ports[:3]
        self.broker_ports = dict(zip((1, 2, 3), ports[3:]))
        self.env = dict(ENV)
        for index, port in enumerate(self.zookeeper_ports, 1):
            self.env[f"ZKAFKA_ZOOKEEPER_{index}_PORT"] = str(port)
        for broker, port in self.broker_ports.items():
            self.env[f"ZKAFKA_BROKER_{broker}_PORT"] = str(port)
        self.zk = None
        self.results = []
        self.acknowledged = None
        self.removed = False
        self.cli = CliSteps(run, wait_for, log, StepFailed, self.env, ROOT)
        self.kraft = KRaftSteps(self, run, wait_for, log, StepFailed, free_ports, self.cli.zkafka)

    # -- helpers --------------------------------------------------------------------------------

    def compose(self, *arguments, timeout=300):
        return run(["podman-compose", "--project-name", self.project, "--file", "docker-compose.yml",
                    *arguments], timeout=timeout, env=self.env)

    def container(self, service):
        result = run(["podman", "ps", "--all", "--format", "{{.Names}}",
                      "--filter", f"label=io.podman.compose.project={self.project}",
                      "--filter", f"label=com.docker.compose.service={service}"], timeout=30)
        names = result.stdout.split()
        if len(names) != 1:
            raise StepFailed(f"expected one container for {service}, found {names}")
        return names[0]

    def bootstrap(self):
        return ",".join(f"127.0.0.1:{port}" for port in self.broker_ports.values())

    def connect_zookeeper(self):
        from kazoo.client import KazooClient
        hosts = ",".join(f"127.0.0.1:{port}" for port in self.zookeeper_ports)
        self.zk = KazooClient(hosts=hosts, timeout=10)
        self.zk.start(timeout=30)

    def registered(self):
        return sorted(int(child) for child in self.zk.get_children("/brokers/ids"))

    def registration(self, broker):
        data, _ = self.zk.get(f"/brokers/ids/{broker}")
        return json.loads(data)

    def controller(self):
        data, _ = self.zk.get("/controller")
        return json.loads(data)["brokerid"]

    def controller_epoch(self):
        data, _ = self.zk.get("/controller_epoch")
        return int(data)

    def partition_states(self):
        states = {}
        for partition in self.zk.get_children(f"/brokers/topics/{TOPIC}/partitions"):
            data, _ = self.zk.get(f"/brokers/topics/{TOPIC}/partitions/{partition}/state")
            states[int(partition)] = json.loads(data)
        return states

    def all_isrs_full(self):
        states = self.partition_states()
        return len(states) == PARTITIONS and all(sorted(s["isr"]) == [1, 2, 3] for s in states.values())

    def consume(self):
        result = run(["kcat", "-C", "-b", self.bootstrap(), "-t", TOPIC, "-o", "beginning", "-e", "-q",
                      "-f", "%k=%s\n", "-X", "topic.metadata.refresh.interval.ms=1000"], timeout=120)
        return [line for line in result.stdout.splitlines() if line]

    def check_all_records(self):
        records = self.consume()
        expected = {f"key-{i}=value-{i}" for i in range(RECORDS)}
        missing = expected - set(records)
        if missing:
            raise StepFailed(f"consumed {len(records)} records; {len(missing)} acknowledged ones missing, "
                             f"e.g. {sorted(missing)[:3]}")
        return len(records)

    # -- steps ----------------------------------------------------------------------------------

    def step_images(self):
        environment = dict(self.env)
        environment.setdefault("ZKAFKA_BUILD_CONFIGURATION", os.environ.get("ZKAFKA_CONTAINER_BUILD", "debug"))
        result = run(["bash", "scripts/build_images.sh"], timeout=2400, env=environment)
        for line in result.stderr.splitlines():
            if line.startswith("build_images:"):
                log(line)
        for line in result.stdout.splitlines():
            if "=" in line and not line.startswith("#"):
                key, value = line.split("=", 1)
                self.env[key] = value

    def healthy(self, service):
        return run(["podman", "healthcheck", "run", self.container(service)], timeout=30, check=False).returncode == 0

    def step_up(self):
        # The ensemble first, then the brokers once it is healthy: podman-compose 1.0.3 ignores
        # depends_on's `condition: service_healthy`, and Podman without systemd runs no health
        # check on its own, so the suite runs them (`docker compose up --wait` would do both).
        zookeepers = ["zookeeper-1", "zookeeper-2", "zookeeper-3"]
        self.compose("up", "-d", *zookeepers, timeout=300)
        wait_for("a healthy ensemble", lambda: all(self.healthy(name) for name in zookeepers), timeout=120, interval=2)
        # Named, because podman-compose 1.0.3 ignores profiles and would start the kraft profile too.
        self.compose("up", "-d", "broker-1", "broker-2", "broker-3", timeout=300)
        self.connect_zookeeper()
        wait_for("3 brokers in /brokers/ids", lambda: self.registered() == [1, 2, 3], timeout=180)
        for broker, port in self.broker_ports.items():
            registration = self.registration(broker)
            endpoints = sorted(registration["endpoints"])
            expected = sorted([f"INTERNAL://broker-{broker}:19092", f"EXTERNAL://127.0.0.1:{port}"])
            if endpoints != expected:
                raise StepFailed(f"broker {broker} registered {endpoints}, expected {expected}")
            protocols = registration.get("listener_security_protocol_map", {})
            if protocols != {"INTERNAL": "PLAINTEXT", "EXTERNAL": "PLAINTEXT"}:
                raise StepFailed(f"broker {broker} registered listener_security_protocol_map {protocols}")
        log(f"brokers registered with INTERNAL and EXTERNAL endpoints; controller is broker {self.controller()}")
        # Metadata through the EXTERNAL listener names the brokers' 127.0.0.1 endpoints (once the
        # controller's UpdateMetadata has reached broker 1).
        expected = {broker: f"127.0.0.1:{port}" for broker, port in self.broker_ports.items()}

        def external_metadata():
            metadata = run(["kcat", "-L", "-m", "30", "-b", f"127.0.0.1:{self.broker_ports[1]}", "-J"], timeout=60)
            self.metadata_brokers = {b["id"]: b["name"] for b in json.loads(metadata.stdout)["brokers"]}
            return self.metadata_brokers == expected
        wait_for(f"Metadata on the EXTERNAL listener to list {expected}", external_metadata, timeout=60, interval=2)
        log(f"Metadata through EXTERNAL lists {self.metadata_brokers}")

    def step_produce(self):
        broker1 = self.container("broker-1")
        run(["podman", "exec", broker1, "zkafka", "topics", "--bootstrap-server", "broker-1:19092", "--create",
             "--topic", TOPIC, "--partitions", str(PARTITIONS), "--replication-factor", "3",
             "--config", "min.insync.replicas=2"], timeout=60)
        wait_for("full ISRs on the new topic", self.all_isrs_full, timeout=60)
        lines = "".join(f"key-{i}:value-{i}\n" for i in range(RECORDS))
        started = time.monotonic()
        run(["kcat", "-P", "-b", self.bootstrap(), "-t", TOPIC, "-K", ":", "-X", "acks=all",
             "-X", "linger.ms=5"], timeout=180, input=lines)
        log(f"produced {RECORDS} keyed records in {time.monotonic() - started:.1f} s")
        count = wait_for("all records consumable", self.check_all_records, timeout=60, interval=2)
        log(f"consumed {count} records, every key and value present")

    def step_controller(self):
        old_controller, old_epoch = self.controller(), self.controller_epoch()
        container = self.container(f"broker-{old_controller}")
        run(["podman", "kill", "--signal", "KILL", container], timeout=60)
        started = time.monotonic()
        new_controller = wait_for(
            "a new controller",
            lambda: (lambda c: c if c != old_controller else None)(self.controller()), timeout=90)
        new_epoch = self.controller_epoch()
        if new_epoch <= old_epoch:
            raise StepFailed(f"/controller_epoch {new_epoch} after the election, was {old_epoch}")
        log(f"killed broker {old_controller} (controller, epoch {old_epoch}); broker {new_controller} elected "
            f"after {time.monotonic() - started:.1f} s, epoch {new_epoch}")
        wait_for(f"broker {old_controller} out of every ISR",
                 lambda: all(old_controller not in s["isr"] for s in self.partition_states().values()), timeout=60)
        run(["podman", "start", container], timeout=60)
        wait_for(f"broker {old_controller} registered again", lambda: old_controller in self.registered(), timeout=120)
        wait_for("every ISR full again", self.all_isrs_full, timeout=120)
        log(f"broker {old_controller} restarted and back in every ISR")

    def step_partition(self):
        controller = self.controller()
        states = self.partition_states()
        # A partition leader that is not the controller, so this step is about leaders and ISRs.
        leaders = sorted({s["leader"] for s in states.values()} - {controller}) or sorted({s["leader"] for s in states.values()})
        self.victim = leaders[0]
        led = sorted(p for p, s in states.items() if s["leader"] == self.victim)
        self.victim_container = self.container(f"broker-{self.victim}")
        run(["podman", "network", "disconnect", self.network, self.victim_container], timeout=60)
        started = time.monotonic()
        wait_for(f"broker {self.victim}'s registration to expire", lambda: self.victim not in self.registered(), timeout=90)

        def releaded():
            states = self.partition_states()
            return all(s["leader"] not in (self.victim, -1) and self.victim not in s["isr"] for s in states.values())
        wait_for(f"broker {self.victim}'s partitions re-led and it out of every ISR", releaded, timeout=90)
        states = self.partition_states()
        log(f"disconnected broker {self.victim} (led partitions {led}): after {time.monotonic() - started:.1f} s "
            f"leaders {[states[p]['leader'] for p in led]}, ISRs {[states[p]['isr'] for p in sorted(states)]}")

    def step_rejoin(self):
        run(["podman", "network", "connect", "--alias", f"broker-{self.victim}", self.network, self.victim_container],
            timeout=60)
        started = time.monotonic()
        wait_for(f"broker {self.victim} registered again", lambda: self.victim in self.registered(), timeout=120)
        wait_for(f"broker {self.victim} back in every ISR", self.all_isrs_full, timeout=120)
        log(f"reconnected broker {self.victim}: registered and in every ISR after {time.monotonic() - started:.1f} s")
        count = self.check_all_records()
        log(f"consumed {count} records, every key and value still present")

    def step_down(self):
        if self.zk is not None:
            self.zk.stop()
            self.zk.close()
            self.zk = None
        remove_project(self.project, self.env)
        self.removed = True
        label = f"label=io.podman.compose.project={self.project}"
        left = run(["podman", "ps", "--all", "--quiet", "--filter", label], timeout=60).stdout.split()
        volumes = run(["podman", "volume", "ls", "--quiet", "--filter", label], timeout=60).stdout.split()
        networks = [name for name in run(["podman", "network", "ls", "--format", "{{.Name}}"], timeout=60).stdout.split()
                    if name == self.network]
        if left or volumes or networks:
            raise StepFailed(f"after teardown: containers {left}, volumes {volumes}, networks {networks}")

    def step_kraft(self):
        self.removed = False
        self.kraft.step()
        remove_project(self.project, self.env)
        self.removed = True

    def teardown(self):
        self.cli.teardown(keep=os.environ.get("ZKAFKA_CONTAINER_KEEP") == "1")
        if self.zk is not None:
            try:
                self.zk.stop()
                self.zk.close()
            except Exception:
                pass
        if os.environ.get("ZKAFKA_CONTAINER_KEEP") == "1":
            log(f"left project {self.project} up (ZKAFKA_CONTAINER_KEEP=1): ZooKeeper on 127.0.0.1 ports "
                f"{self.zookeeper_ports}, brokers on {list(self.broker_ports.values())}")
            return
        if not self.removed:
            remove_project(self.project, self.env)

    def main(self):
        steps = [("images: base, ZooKeeper and broker images built or reused", self.step_images),
                 ("up: 3 ZooKeeper servers, 3 brokers registered with INTERNAL and EXTERNAL listeners", self.step_up),
                 (f"produce: {RECORDS} keyed records through an RF 3 topic with kcat, all consumed", self.step_produce),
                 ("controller: kill -9 of the controller's container, a new controller elected", self.step_controller),
                 ("partition: a leader's container disconnected, its partitions re-led, it leaves the ISRs", self.step_partition),
                 ("rejoin: reconnected, it re-registers and rejoins every ISR, no record lost", self.step_rejoin),
                 ("down: podman-compose down -v leaves no container, volume or network", self.step_down),
                 ("cluster up: `zkafka cluster up --containers`, cluster.json names the containers", self.cli.step_up),
                 ("cluster kill/start: the controller's container killed, a new controller, restarted, traced",
                  self.cli.step_kill),
                 ("cluster partition/heal: a broker off the network leaves every ISR, rejoins after heal",
                  self.cli.step_partition),
                 ("cluster down: containers, volumes and network removed", self.cli.step_down),
                 ("kraft: the compose file's kraft profile, 3 controllers and 3 KRaft brokers, records through RF 3",
                  self.step_kraft)]
        suite_started = time.monotonic()
        failed = False
        try:
            for name, step in steps:
                if failed:
                    self.results.append((name, "SKIP", "an earlier step failed"))
                    print(f"SKIP {name} (an earlier step failed)", flush=True)
                    continue
                started = time.monotonic()
                try:
                    step()
                    self.results.append((name, "PASS", None))
                    print(f"PASS {name} ({time.monotonic() - started:.0f} s)", flush=True)
                except Exception as error:  # StepFailed, or a ZooKeeper/JSON surprise
                    failed = True
                    self.results.append((name, "FAIL", str(error)))
                    print(f"FAIL {name} ({time.monotonic() - started:.0f} s)\n     {error}", flush=True)
                    self.dump_logs()
                    self.cli.dump_logs()
        finally:
            self.teardown()
        passed = sum(1 for _, status, _ in self.results if status == "PASS")
        failures = sum(1 for _, status, _ in self.results if status == "FAIL")
        skipped = sum(1 for _, status, _ in self.results if status == "SKIP")
        print(f"container suite took {time.monotonic() - suite_started:.0f} s")
        print(f"containers: {passed} passed, {failures} failed" + (f", {skipped} skipped" if skipped else ""))
        return 1 if failures else 0

    def dump_logs(self):
        for service in ("zookeeper-1", "broker-1", "broker-2", "broker-3", "controller-1", "kraft-broker-1"):
            try:
                name = self.container(service)
                tail = run(["podman", "logs", "--tail", "40", name], timeout=30, check=False)
                print(f"     --- {service} ({name}), last lines ---")
                for line in (tail.stdout + tail.stderr).splitlines()[-40:]:
                    print("     " + line[:300])
            except Exception:
                pass


def main():
    reason = skip_reason()
    if reason:
        print(f"SKIP container suite: {reason}")
        return 0

    def interrupted(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")
    # A CI timeout's SIGTERM still runs the teardown (the `finally` in Suite.main).
    signal.signal(signal.SIGTERM, interrupted)
    remove_stale_projects()
    return Suite().main()


if __name__ == "__main__":
    sys.exit(main())
