"""Group consumers (librdkafka through confluent-kafka, and kafka-python) for the consumer-group
integration tests. The last line on stdout is a JSON summary.

  confluent-member BOOTSTRAP TOPIC GROUP --dir DIR --name NAME
      subscribes with group management (--instance-id: as a static member), commits synchronously after every consumed batch, and
      keeps DIR/NAME.assignment (JSON list of partitions, rewritten on every rebalance) and
      DIR/NAME.records (`partition offset value` per record). It leaves the group cleanly once
      DIR/NAME.stop exists, and dies at once (SIGKILL, no LeaveGroup) once DIR/NAME.crash exists.
  kafka-python-member BOOTSTRAP TOPIC GROUP --idle-ms MS
      kafka-python's group consumer: consumes until nothing arrived for MS, commits, closes.
"""
import argparse
import json
import os
import signal
import sys
import time


def confluent_member(args):
    from confluent_kafka import Consumer

    base = os.path.join(args.dir, args.name)
    assignment_path, records_path = base + ".assignment", base + ".records"
    history = []

    def write_assignment(partitions):
        with open(assignment_path + ".tmp", "w") as f:
            json.dump(sorted(partitions), f)
        os.replace(assignment_path + ".tmp", assignment_path)

    def on_assign(consumer, partitions):
        history.append(sorted(p.partition for p in partitions))
        write_assignment([p.partition for p in partitions])

    def on_revoke(consumer, partitions):
        write_assignment([])

    settings = {
        "bootstrap.servers": args.bootstrap,
        "group.id": args.group,
        "client.id": args.name,
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
        "session.timeout.ms": args.session_timeout_ms,
        "heartbeat.interval.ms": 1000,
        "partition.assignment.strategy": "range,roundrobin",
    }
    if args.instance_id:
        settings["group.instance.id"] = args.instance_id  # KIP-345 static membership
    consumer = Consumer(settings)
    consumer.subscribe([args.topic], on_assign=on_assign, on_revoke=on_revoke)
    consumed, commit_errors = 0, 0
    with open(records_path, "a") as out:
        while not os.path.exists(base + ".stop"):
            if os.path.exists(base + ".crash"):
                out.flush()
                os.kill(os.getpid(), signal.SIGKILL)
            messages = consumer.consume(num_messages=500, timeout=0.2)
            batch = [m for m in messages if m.error() is None]
            for message in batch:
                out.write(f"{message.partition()} {message.offset()} {message.value().decode()}\n")
            out.flush()
            consumed += len(batch)
            if batch:
                try:
                    consumer.commit(asynchronous=False)
                except Exception as error:  # a commit racing a rebalance; the next one covers it
                    commit_errors += 1
                    print(f"commit failed: {error}", file=sys.stderr)
    consumer.close()
    print(json.dumps({"consumed": consumed, "assignments": history, "commitErrors": commit_errors}))


def kafka_python_member(args):
    from kafka import KafkaConsumer

    consumer = KafkaConsumer(
        args.topic, bootstrap_servers=args.bootstrap.split(","), group_id=args.group,
        auto_offset_reset="earliest", enable_auto_commit=False, session_timeout_ms=10000,
        consumer_timeout_ms=args.idle_ms)
    consumed, partitions = 0, set()
    for message in consumer:
        consumed += 1
        partitions.add(message.partition)
    consumer.commit()
    committed = {str(p.partition): consumer.committed(p) for p in consumer.assignment()}
    consumer.close()
    print(json.dumps({"consumed": consumed, "partitions": sorted(partitions), "committed": committed}))


def main():
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    member = commands.add_parser("confluent-member")
    member.add_argument("bootstrap")
    member.add_argument("topic")
    member.add_argument("group")
    member.add_argument("--dir", required=True)
    member.add_argument("--name", required=True)
    member.add_argument("--session-timeout-ms", type=int, default=6000)
    member.add_argument("--instance-id")
    python_member = commands.add_parser("kafka-python-member")
    python_member.add_argument("bootstrap")
    python_member.add_argument("topic")
    python_member.add_argument("group")
    python_member.add_argument("--idle-ms", type=int, default=8000)
    args = parser.parse_args()
    {"confluent-member": confluent_member, "kafka-python-member": kafka_python_member}[args.command](args)


if __name__ == "__main__":
    main()
