"""The container suite's `zkafka cluster ... --containers` steps (imported by scripts/container_suite.py).

They drive the CLI the way a user would, against a cluster it generates in a temporary directory:

  cluster up     `zkafka cluster up --containers`: 3 ZooKeeper servers and 3 brokers, cluster.json names each
                 member's container (pid null), `cluster status --json` shows a leader and running brokers,
                 kcat sees the 3 brokers through their published 127.0.0.1 ports
  cluster kill   `cluster kill --broker <controller>` (kill --signal KILL of its container): status says stopped,
                 a new controller is elected with a higher epoch; `cluster start` brings the container back and
                 it registers again; `zkafka trace` shows both elections from the bind-mounted traces
  cluster partition / heal
                 an RF 3 topic, then `cluster partition --broker B` (network disconnect): status says
                 partitioned, B's registration expires, its partitions are re-led without it and it leaves
                 every ISR; `cluster heal` reconnects it: it registers again and rejoins every ISR
  cluster down   containers, volumes and network of the project are gone
"""

import json
import os
import shutil
import tempfile
import time

TOPIC = "cli-containers"
PARTITIONS = 3


class CliSteps:
    def __init__(self, run, wait_for, log, failure, env, root):
        self.run, self.wait_for, self.log, self.failure = run, wait_for, log, failure
        self.env = env
        self.zkafka = os.environ.get("ZKAFKA_EXECUTABLE") or os.path.join(root, ".build", "debug", "zkafka")
        self.directory = tempfile.mkdtemp(prefix="zkafka-cli-containers-")
        self.descriptor = None
        self.zk = None

    # -- helpers --------------------------------------------------------------------------------

    def cli(self, *arguments, timeout=300, check=True):
        return self.run([self.zkafka, "cluster", *arguments, "--dir", self.directory], timeout=timeout, check=check,
                        env=self.env)

    def status(self):
        return json.loads(self.cli("status", "--json", timeout=120).stdout)

    def broker_status(self, broker):
        return next(b for b in self.status()["brokers"] if b["id"] == broker)

    def connect_zookeeper(self):
        from kazoo.client import KazooClient
        self.zk = KazooClient(hosts=self.descriptor["zookeeper"]["connect"], timeout=10)
        self.zk.start(timeout=30)

    def registered(self):
        return sorted(int(child) for child in self.zk.get_children("/brokers/ids"))

    def controller(self):
        return json.loads(self.zk.get("/controller")[0])["brokerid"]

    def partition_states(self):
        states = {}
        for partition in self.zk.get_children(f"/brokers/topics/{TOPIC}/partitions"):
            states[int(partition)] = json.loads(self.zk.get(f"/brokers/topics/{TOPIC}/partitions/{partition}/state")[0])
        return states

    def all_isrs_full(self):
        states = self.partition_states()
        return len(states) == PARTITIONS and all(sorted(s["isr"]) == [1, 2, 3] for s in states.values())

    # -- steps ----------------------------------------------------------------------------------

    def step_up(self):
        if not os.access(self.zkafka, os.X_OK):
            raise self.failure(f"{self.zkafka} is missing: build it with `swift build --product zkafka`")
        started = time.monotonic()
        self.cli("up", "--containers", "--engine", "podman", "--zookeepers", "3", "--brokers", "3", timeout=600)
        with open(os.path.join(self.directory, "cluster.json")) as handle:
            self.descriptor = json.load(handle)
        members = self.descriptor["zookeeper"]["servers"] + self.descriptor["brokers"]
        if any(m.get("pid") is not None or not m.get("container") for m in members):
            raise self.failure(f"cluster.json members should have a container and a null pid: {members}")
        project = self.descriptor["containers"]["project"]
        names = self.run(["podman", "ps", "--format", "{{.Names}}"], timeout=60).stdout.split()
        missing = [m["container"] for m in members if m["container"] not in names]
        if missing:
            raise self.failure(f"containers named in cluster.json are not running: {missing}")
        status = self.status()
        modes = sorted(s["mode"] for s in status["zookeeper"])
        if modes != ["follower", "follower", "leader"] or any(b["state"] != "running" for b in status["brokers"]):
            raise self.failure(f"cluster status after up: {status}")
        bootstrap = ",".join(f"127.0.0.1:{b['port']}" for b in self.descriptor["brokers"])
        # A container counts as running once its process starts; the controller's UpdateMetadata naming the last
        # broker to register reaches the others a moment later, so a first kcat -L may list fewer than 3.
        listed = []

        def all_three_listed():
            metadata = json.loads(self.run(["kcat", "-L", "-J", "-m", "30", "-b", bootstrap], timeout=60).stdout)
            listed[:] = sorted(b["id"] for b in metadata["brokers"])
            return listed == [1, 2, 3]

        try:
            self.wait_for("kcat -L to list brokers 1, 2 and 3", all_three_listed, timeout=60)
        except Exception:
            raise self.failure(f"kcat -L lists brokers {listed}")
        self.connect_zookeeper()
        self.log(f"`zkafka cluster up --containers` took {time.monotonic() - started:.0f} s; project {project}, "
                 f"network {self.descriptor['containers'].get('network')}, ZooKeeper modes {modes}")

    def step_kill(self):
        old, old_epoch = self.controller(), int(self.zk.get("/controller_epoch")[0])
        self.cli("kill", "--broker", str(old), "--signal", "KILL", timeout=120)
        if self.broker_status(old)["state"] != "stopped":
            raise self.failure(f"broker {old} not stopped after `cluster kill`: {self.broker_status(old)}")
        started = time.monotonic()
        new = self.wait_for("a new controller", lambda: (lambda c: c if c != old else None)(self.controller()), timeout=90)
        epoch = int(self.zk.get("/controller_epoch")[0])
        if epoch <= old_epoch:
            raise self.failure(f"/controller_epoch {epoch} after the election, was {old_epoch}")
        self.log(f"killed broker {old}'s container (controller, epoch {old_epoch}); broker {new} elected after "
                 f"{time.monotonic() - started:.1f} s with epoch {epoch}")
        self.cli("start", "--broker", str(old), timeout=300)
        self.wait_for(f"broker {old} registered again", lambda: old in self.registered(), timeout=120)
        trace = self.run([self.zkafka, "trace", "--dir", self.directory], timeout=60).stdout
        elections = [line for line in trace.splitlines() if "elected controller" in line]
        if len(elections) < 2:
            raise self.failure(f"`zkafka trace` shows {len(elections)} elections, expected 2:\n{trace[-2000:]}")
        self.log(f"`cluster start` brought broker {old} back; `zkafka trace` shows {len(elections)} elections")

    def step_partition(self):
        bootstrap = f"127.0.0.1:{self.descriptor['brokers'][0]['port']}"
        self.run([self.zkafka, "topics", "--bootstrap-server", bootstrap, "--create", "--topic", TOPIC,
                  "--partitions", str(PARTITIONS), "--replication-factor", "3"], timeout=60)
        self.wait_for("full ISRs on the new topic", self.all_isrs_full, timeout=90)
        controller = self.controller()
        victim = next(b for b in (1, 2, 3) if b != controller)
        self.cli("partition", "--broker", str(victim), timeout=120)
        if self.broker_status(victim).get("partitioned") is not True:
            raise self.failure(f"status does not show broker {victim} partitioned: {self.broker_status(victim)}")
        started = time.monotonic()
        self.wait_for(f"broker {victim}'s registration to expire", lambda: victim not in self.registered(), timeout=90)

        def releaded():
            states = self.partition_states()
            return all(s["leader"] not in (victim, -1) and victim not in s["isr"] for s in states.values())
        self.wait_for(f"broker {victim}'s partitions re-led and it out of every ISR", releaded, timeout=90)
        self.log(f"`cluster partition --broker {victim}`: out of /brokers/ids and every ISR after "
                 f"{time.monotonic() - started:.1f} s; ISRs {[s['isr'] for s in self.partition_states().values()]}")
        self.cli("heal", "--broker", str(victim), timeout=120)
        started = time.monotonic()
        self.wait_for(f"broker {victim} registered again", lambda: victim in self.registered(), timeout=120)
        self.wait_for(f"broker {victim} back in every ISR", self.all_isrs_full, timeout=120)
        if self.broker_status(victim).get("partitioned"):
            raise self.failure(f"status still shows broker {victim} partitioned after heal")
        self.log(f"`cluster heal --broker {victim}`: registered and in every ISR after {time.monotonic() - started:.1f} s")

    def step_down(self):
        self.stop_zookeeper_client()
        project = self.descriptor["containers"]["project"]
        self.cli("down", timeout=400)
        left = [name for name in self.run(["podman", "ps", "--all", "--format", "{{.Names}}"], timeout=60).stdout.split()
                if name.startswith(project)]
        volumes = [name for name in self.run(["podman", "volume", "ls", "--format", "{{.Name}}"], timeout=60).stdout.split()
                   if name.startswith(project)]
        networks = [name for name in self.run(["podman", "network", "ls", "--format", "{{.Name}}"], timeout=60).stdout.split()
                    if name.startswith(project)]
        if left or volumes or networks:
            raise self.failure(f"after `cluster down`: containers {left}, volumes {volumes}, networks {networks}")
        self.log(f"`cluster down` removed every container, volume and network of {project}")

    # -- teardown -------------------------------------------------------------------------------

    def stop_zookeeper_client(self):
        if self.zk is not None:
            try:
                self.zk.stop()
                self.zk.close()
            except Exception:
                pass
            self.zk = None

    def teardown(self, keep=False):
        self.stop_zookeeper_client()
        if keep:
            self.log(f"left the `zkafka cluster` in {self.directory} up (ZKAFKA_CONTAINER_KEEP=1)")
            return
        if os.path.exists(os.path.join(self.directory, "cluster.json")):
            try:
                self.cli("down", timeout=400, check=False)
            except Exception as error:
                self.log(f"`zkafka cluster down` failed during teardown: {error}")
        shutil.rmtree(self.directory, ignore_errors=True)

    def dump_logs(self):
        for broker in (1, 2, 3):
            path = os.path.join(self.directory, f"broker-{broker}", "broker.log")
            try:
                with open(path, errors="replace") as handle:
                    lines = handle.read().splitlines()[-20:]
                print(f"     --- {path}, last lines ---")
                for line in lines:
                    print("     " + line[:300])
            except OSError:
                pass
