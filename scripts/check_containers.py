#!/usr/bin/env python3
"""Checks the container files without a container engine (CI machines cannot run Docker).

1. docker-compose.yml is valid for Compose's own parser: `docker compose config -q` where Docker
   Compose v2 works, else `docker-compose config -q` (Debian's `docker-compose` package, which
   scripts/setup.sh installs; it validates against the Compose schema it ships and needs no
   daemon). Nothing outside the repository is read. It also describes a 3-server ensemble.
2. The Dockerfile installs exactly the system packages scripts/setup.sh installs (its package list
   plus the Java runtime), and so does the README's "by hand" apt-get line.
3. The Dockerfile and the README build with scripts/setup.sh's build command (only the
   configuration may differ).

Prints one PASS/FAIL line per check and a summary; exits 1 if any check failed.
"""

import json
import os
import re
import shlex
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
results = []


def check(name, problems):
    results.append((name, problems))
    print(("PASS " if not problems else "FAIL ") + name)
    for problem in problems:
        print("     " + problem)


def read(relative):
    path = os.path.join(ROOT, relative)
    if not os.path.exists(path):
        raise SystemExit(f"FAIL {relative} is missing\ncontainers check: failed")
    with open(path, encoding="utf-8") as file:
        text = file.read()
    if relative.endswith(".md"):
        text = "\n".join(shell_blocks(text))
    return text


def shell_blocks(markdown):
    """The lines of the ```bash / ```sh blocks: the README's commands, without its prose."""
    lines, language = [], None
    for line in markdown.splitlines():
        if line.startswith("```"):
            language = None if language is not None else line[3:].strip()
        elif language in ("bash", "sh", "shell"):
            lines.append(line)
    return lines


def shell_words(text):
    """The words of a shell or Dockerfile text, with line continuations joined and comments dropped."""
    text = re.sub(r"\\\n", " ", text)
    words = []
    for line in text.splitlines():
        if line.lstrip().startswith("#"):
            continue
        # A line ends a command; `;` marks that for the scanners below.
        words += shlex.split(line.replace("&&", " && "), comments=True) + [";"]
    return words


def apt_install_packages(text):
    """Packages named by every `apt-get install` in text (options and variables skipped)."""
    packages = set()
    words = shell_words(text)
    for index, word in enumerate(words):
        if word != "install" or index == 0 or words[index - 1] != "apt-get":
            continue
        for argument in words[index + 1:]:
            if argument in ("&&", "||", ";", "|") or argument.startswith("\\"):
                break
            if not argument.startswith("-") and "$" not in argument:
                packages.add(argument)
    return packages


def setup_packages():
    setup = read("scripts/setup.sh")
    listed = re.search(r"^APT_PACKAGES=\(([^)]*)\)", setup, re.MULTILINE)
    java = re.search(r"^JAVA_PACKAGE=(\S+)", setup, re.MULTILINE)
    if not listed or not java:
        raise SystemExit("FAIL scripts/setup.sh no longer defines APT_PACKAGES=(...) and JAVA_PACKAGE=...")
    return set(listed.group(1).split()) | {java.group(1)}


def build_commands(text):
    """Each `swift build ...` invocation (up to && or the line end), without `-c release`-style flags."""
    commands = []
    words = shell_words(text)
    for index in range(len(words) - 1):
        if words[index] == "swift" and words[index + 1] == "build":
            command = []
            for word in words[index:]:
                if word in ("&&", "||", ";", "|") or word.startswith("$("):
                    break
                command.append(word)
            commands.append(command)
    normalized = []
    for command in commands:
        if any("--show-bin-path" in word for word in command):
            continue
        cleaned, skip = [], False
        for word in command:
            if skip:
                skip = False
            elif word in ("-c", "--configuration"):
                skip = True
            elif not word.startswith("--configuration="):
                cleaned.append(word)
        normalized.append(" ".join(cleaned))
    return normalized


def compose_parser():
    """The first Compose implementation that answers `version`: Docker Compose v2, then v1."""
    for command in (["docker", "compose"], ["docker-compose"]):
        if shutil.which(command[0]) is None:
            continue
        try:
            answer = subprocess.run(command + ["version"], capture_output=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if answer.returncode == 0:
            return command
    return None


def check_compose():
    parser = compose_parser()
    if parser is None:
        check("docker-compose.yml is valid for Compose",
              ["no Compose parser: install Debian's docker-compose (bash scripts/setup.sh does) or Docker Compose v2"])
    else:
        try:
            answer = subprocess.run(parser + ["--file", "docker-compose.yml", "config", "--quiet"],
                                    cwd=ROOT, capture_output=True, text=True, timeout=60)
            output = (answer.stdout + answer.stderr).strip().splitlines()
            problems = [] if answer.returncode == 0 else output or [f"exit status {answer.returncode}"]
        except subprocess.TimeoutExpired:
            problems = ["the parser did not answer within 60 s"]
        check(f"docker-compose.yml is valid for Compose (`{' '.join(parser)} config`)", problems)

    try:
        import yaml
    except ImportError as error:
        check("docker-compose.yml describes the cluster",
              [f"{error}; install python3-yaml (bash scripts/setup.sh does)"])
        return
    compose = yaml.safe_load(read("docker-compose.yml"))

    problems = []
    services = compose.get("services", {}) if isinstance(compose, dict) else {}
    volumes = compose.get("volumes", {}) or {}
    zookeepers = sorted(name for name in services if name.startswith("zookeeper-"))
    brokers = sorted(name for name in services if name.startswith("broker-"))
    if zookeepers != ["zookeeper-1", "zookeeper-2", "zookeeper-3"]:
        problems.append(f"expected services zookeeper-1..3, found {zookeepers}")
    if brokers != ["broker-1", "broker-2", "broker-3"]:
        problems.append(f"expected services broker-1..3, found {brokers}")
    for name in zookeepers + brokers:
        service = services[name]
        number = name.rsplit("-", 1)[-1]
        build = service.get("build", {})
        dockerfile = build.get("dockerfile") if isinstance(build, dict) else None
        if not dockerfile or not os.path.exists(os.path.join(ROOT, build.get("context", "."), dockerfile)):
            problems.append(f"{name}: builds from {dockerfile}, which the repository does not have")
        if "healthcheck" not in service:
            problems.append(f"{name}: no healthcheck")
        for port in service.get("ports", []):
            if not str(port).startswith("127.0.0.1:"):
                problems.append(f"{name}: port {port} is not published on 127.0.0.1 only")
        for volume in service.get("volumes", []):
            if str(volume).split(":", 1)[0] not in volumes:
                problems.append(f"{name}: volume {volume} is not a named volume")
        if not service.get("volumes"):
            problems.append(f"{name}: no named volume for its data")
        if name.startswith("zookeeper-"):
            environment = service.get("environment", {})
            if str(environment.get("ZOO_MY_ID")) != number:
                problems.append(f"{name}: ZOO_MY_ID is {environment.get('ZOO_MY_ID')}")
            servers = str(environment.get("ZOO_SERVERS", ""))
            for peer in zookeepers:
                if f"server.{peer.rsplit('-', 1)[-1]}={peer}:2888:3888;2181" not in servers:
                    problems.append(f"{name}: ZOO_SERVERS does not list {peer}")
        else:
            command = " ".join(str(word) for word in service.get("command", []))
            if f"broker.id={number}" not in command:
                problems.append(f"{name}: command does not set broker.id={number}")
            if f"INTERNAL://{name}:19092" not in command or "EXTERNAL://127.0.0.1:" not in command:
                problems.append(f"{name}: does not advertise INTERNAL://{name}:19092 and EXTERNAL://127.0.0.1:PORT")
    properties = os.path.join(ROOT, "containers", "server.properties")
    if os.path.exists(properties):
        text = open(properties, encoding="utf-8").read()
        for line in ("inter.broker.listener.name=INTERNAL",
                     "listener.security.protocol.map=INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT"):
            if line not in text:
                problems.append(f"containers/server.properties lacks {line}")
    else:
        problems.append("containers/server.properties is missing")
    check("docker-compose.yml runs 3 ZooKeeper servers and 3 brokers (127.0.0.1 ports, health checks, "
          "named volumes, INTERNAL/EXTERNAL listeners)", problems)
    check_kraft_profile(services, volumes)


def check_kraft_profile(services, volumes):
    """The `kraft` profile: 3 controllers (node ids 3001-3003) and 3 KRaft brokers, only in that profile."""
    problems = []
    controllers = sorted(name for name in services if name.startswith("controller-"))
    brokers = sorted(name for name in services if name.startswith("kraft-broker-"))
    if controllers != ["controller-1", "controller-2", "controller-3"]:
        problems.append(f"expected services controller-1..3, found {controllers}")
    if brokers != ["kraft-broker-1", "kraft-broker-2", "kraft-broker-3"]:
        problems.append(f"expected services kraft-broker-1..3, found {brokers}")
    voters = "3001@controller-1:9093,3002@controller-2:9093,3003@controller-3:9093"
    for name in controllers + brokers:
        service = services[name]
        number = name.rsplit("-", 1)[-1]
        environment = service.get("environment", {})
        if service.get("profiles") != ["kraft"]:
            problems.append(f"{name}: profiles is {service.get('profiles')}, expected ['kraft']")
        if environment.get("KRAFT_VOTERS") != voters:
            problems.append(f"{name}: KRAFT_VOTERS is {environment.get('KRAFT_VOTERS')}")
        expected = ("controller", str(3000 + int(number))) if name.startswith("controller-") else ("broker", number)
        if (environment.get("KRAFT_ROLE"), str(environment.get("KRAFT_NODE_ID"))) != expected:
            problems.append(f"{name}: role/node id {environment.get('KRAFT_ROLE')}/{environment.get('KRAFT_NODE_ID')}, expected {expected}")
        if "healthcheck" not in service:
            problems.append(f"{name}: no healthcheck")
        for port in service.get("ports", []):
            if not str(port).startswith("127.0.0.1:"):
                problems.append(f"{name}: port {port} is not published on 127.0.0.1 only")
        if not service.get("volumes") or any(str(v).split(":", 1)[0] not in volumes for v in service["volumes"]):
            problems.append(f"{name}: its data is not in a named volume")
    for name in services:
        if name.startswith(("zookeeper-", "broker-")) and services[name].get("profiles"):
            problems.append(f"{name}: is in profiles {services[name]['profiles']}; ZooKeeper mode must start by default")
    if not os.path.exists(os.path.join(ROOT, "containers", "kraft-entrypoint.sh")):
        problems.append("containers/kraft-entrypoint.sh is missing")
    check("docker-compose.yml's kraft profile runs 3 KRaft controllers and 3 KRaft brokers (127.0.0.1 ports, "
          "health checks, named volumes)", problems)


def check_packages():
    expected = setup_packages()
    for source in ("Dockerfile", "README.md"):
        found = apt_install_packages(read(source))
        problems = []
        if not found:
            problems.append(f"{source} has no `apt-get install` line")
        else:
            if expected - found:
                problems.append(f"{source} lacks {' '.join(sorted(expected - found))} (in scripts/setup.sh)")
            if found - expected:
                problems.append(f"{source} installs {' '.join(sorted(found - expected))} (not in scripts/setup.sh)")
        check(f"{source} installs the packages of scripts/setup.sh", problems)


def check_build_command():
    expected = build_commands(read("scripts/setup.sh"))
    for source in ("Dockerfile", "README.md"):
        # The same build may be shown more than once (set-up, benchmarks): compare distinct commands.
        found = sorted(set(build_commands(read(source))))
        problems = []
        if len(expected) != 1:
            problems.append(f"scripts/setup.sh should run one `swift build`, runs {expected}")
        elif found != expected:
            problems.append(f"{source} builds with {found}, scripts/setup.sh with {expected} "
                            "(only -c/--configuration may differ)")
        check(f"{source} builds like scripts/setup.sh", problems)


def main():
    check_compose()
    check_packages()
    check_build_command()
    failed = sum(1 for _, problems in results if problems)
    print(f"containers check: {len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
