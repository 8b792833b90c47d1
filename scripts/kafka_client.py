"""confluent-kafka (librdkafka) producer and consumer: the one client script of ZKafka, used by the
integration tests (found next to the sources) and by `zkafka demo` / `zkafka chaos` (found at run time:
$ZKAFKA_CLIENT_SCRIPT, else scripts/kafka_client.py above the zkafka executable, else
<prefix>/share/zkafka/kafka_client.py). Needs /usr/bin/python3 with Debian's python3-confluent-kafka.

Every record is written as one line `partition offset key value headers` (headers as
`name=value` joined by commas, as kcat's %h prints them), so the Swift code compares the output
of every client the same way. The last line on stdout is a JSON summary.

  produce  BOOTSTRAP TOPIC --count N --acked FILE            N records 0..N-1, then flush
  produce  BOOTSTRAP TOPIC --until-file STOP --acked FILE    one record every --interval-ms until STOP exists
           [--exit-with-parent]                              (and exit when the process that started it is gone)
  consume  BOOTSTRAP TOPIC --out FILE                        every partition from its beginning to its high watermark
  verify   BOOTSTRAP TOPIC --acked FILE                      which acknowledged records are not stored where acknowledged
  watermarks BOOTSTRAP TOPIC                                 {"partition": [low, high], ...}
"""
import argparse
import json
import os
import sys
import time

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, Producer, TopicPartition


def record(i):
    """Record i of a run: keys repeat every 1000 records so each key's records share a partition."""
    return f"key-{i % 1000}", f"value-{i}", [("h", b"v"), ("seq", str(i).encode())]


def render_headers(headers):
    return ",".join(f"{name}={value.decode()}" for name, value in (headers or []))


def produce(args):
    producer = Producer({
        "bootstrap.servers": args.bootstrap,
        "acks": "all",
        "linger.ms": 5,
        # Retry for as long as a record may live: leader changes and NOT_ENOUGH_REPLICAS are retriable.
        "retries": 10_000_000,
        "retry.backoff.ms": 100,
        "message.timeout.ms": args.message_timeout_ms,
        "enable.idempotence": False,
    })
    # Line-buffered: callers count acknowledgements while the producer runs.
    acknowledged = open(args.acked, "w", buffering=1)
    parent = os.getppid()
    counts = {"acknowledged": 0, "failed": 0}
    errors = {}

    def delivered(error, message):
        if error is not None:
            counts["failed"] += 1
            errors[error.name()] = errors.get(error.name(), 0) + 1
            return
        counts["acknowledged"] += 1
        acknowledged.write(f"{message.partition()} {message.offset()} {message.key().decode()} "
                           f"{message.value().decode()} {render_headers(message.headers())}\n")

    def send(i):
        key, value, headers = record(i)
        while True:
            try:
                producer.produce(args.topic, key=key, value=value, headers=headers, on_delivery=delivered)
                return
            except BufferError:
                producer.poll(0.1)

    produced = 0
    if args.count is not None:
        for i in range(args.count):
            send(i)
            produced += 1
            if i % 1000 == 0:
                producer.poll(0)
    else:
        # Steady traffic through the failures the caller stages, until it creates the stop file.
        while not os.path.exists(args.until_file):
            if args.exit_with_parent and os.getppid() != parent:
                sys.exit(1)  # the demo is gone: an interrupted run leaves no producer behind
            send(produced)
            produced += 1
            producer.poll(args.interval_ms / 1000.0)
    remaining = producer.flush(args.flush_timeout_s)
    acknowledged.close()
    print(json.dumps({"produced": produced, "acknowledged": counts["acknowledged"], "failed": counts["failed"],
                      "undelivered": remaining, "errors": errors}))


def partitions_of(client, topic):
    metadata = client.list_topics(topic, timeout=20)
    described = metadata.topics[topic]
    if described.error is not None:
        raise SystemExit(f"metadata for {topic}: {described.error}")
    return sorted(described.partitions)


def consume(args):
    consumer = Consumer({
        "bootstrap.servers": args.bootstrap,
        # A group id is required by librdkafka, but offsets are never committed or fetched: the
        # partitions are assigned by hand from the beginning and auto-commit is off.
        "group.id": "zkafka-itest-never-committed",
        "enable.auto.commit": False,
        "auto.offset.reset": "earliest",
    })
    partitions = partitions_of(consumer, args.topic)
    ends = {}
    for p in partitions:
        low, high = consumer.get_watermark_offsets(TopicPartition(args.topic, p), timeout=20)
        ends[p] = high
    consumer.assign([TopicPartition(args.topic, p, OFFSET_BEGINNING) for p in partitions])
    out = open(args.out, "w")
    next_offset = {p: -1 for p in partitions}
    consumed = 0
    deadline = time.monotonic() + args.timeout_s
    errors = []
    while any(next_offset[p] < ends[p] for p in partitions if ends[p] > 0) and time.monotonic() < deadline:
        for message in consumer.consume(num_messages=1000, timeout=1.0):
            if message.error() is not None:
                if message.error().code() != KafkaError._PARTITION_EOF:
                    errors.append(str(message.error()))
                continue
            out.write(f"{message.partition()} {message.offset()} {message.key().decode()} "
                      f"{message.value().decode()} {render_headers(message.headers())}\n")
            next_offset[message.partition()] = message.offset() + 1
            consumed += 1
    out.close()
    consumer.close()
    print(json.dumps({"consumed": consumed, "highWatermarks": {str(p): ends[p] for p in partitions},
                      "reached": {str(p): next_offset[p] for p in partitions}, "errors": errors[:20]}))


def verify(args):
    """Consumes every partition and reports the acknowledged records missing at their partition and offset."""
    acknowledged = [line.rstrip("\n").split(" ") for line in open(args.acked) if line.strip()]
    consumer = Consumer({"bootstrap.servers": args.bootstrap, "group.id": "zkafka-verifier-never-committed",
                         "enable.auto.commit": False, "auto.offset.reset": "earliest"})
    partitions = partitions_of(consumer, args.topic)
    ends = {p: consumer.get_watermark_offsets(TopicPartition(args.topic, p), timeout=30)[1] for p in partitions}
    consumer.assign([TopicPartition(args.topic, p, OFFSET_BEGINNING) for p in partitions])
    stored = {}
    reached = {p: 0 for p in partitions}
    deadline = time.monotonic() + args.timeout_s
    while any(reached[p] < ends[p] for p in partitions) and time.monotonic() < deadline:
        for message in consumer.consume(num_messages=1000, timeout=1.0):
            if message.error() is not None:
                continue
            stored[(message.partition(), message.offset())] = message.value().decode()
            reached[message.partition()] = message.offset() + 1
    consumer.close()
    missing = [" ".join(a) for a in acknowledged if stored.get((int(a[0]), int(a[1]))) != a[3]]
    print(json.dumps({"acknowledged": len(acknowledged), "consumed": len(stored), "missing": len(missing),
                      "firstMissing": missing[:5]}))


def watermarks(args):
    consumer = Consumer({"bootstrap.servers": args.bootstrap, "group.id": "zkafka-itest-never-committed"})
    result = {}
    for p in partitions_of(consumer, args.topic):
        low, high = consumer.get_watermark_offsets(TopicPartition(args.topic, p), timeout=20)
        result[str(p)] = [low, high]
    consumer.close()
    print(json.dumps(result))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["produce", "consume", "verify", "watermarks"])
    parser.add_argument("bootstrap")
    parser.add_argument("topic")
    parser.add_argument("--count", type=int)
    parser.add_argument("--until-file")
    parser.add_argument("--interval-ms", type=float, default=2.0)
    parser.add_argument("--exit-with-parent", action="store_true")
    parser.add_argument("--acked")
    parser.add_argument("--out")
    parser.add_argument("--message-timeout-ms", type=int, default=120_000)
    parser.add_argument("--flush-timeout-s", type=float, default=150.0)
    parser.add_argument("--timeout-s", type=float, default=120.0)
    args = parser.parse_args()
    {"produce": produce, "consume": consume, "verify": verify, "watermarks": watermarks}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
