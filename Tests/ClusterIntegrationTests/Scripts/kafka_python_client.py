"""kafka-python producer and consumer for the data-plane integration tests, writing the same
`partition offset key value headers` lines as kafka_client.py; the last stdout line is a JSON
summary.

  produce BOOTSTRAP TOPIC --count N --acked FILE   N records 0..N-1 with acks=all
  consume BOOTSTRAP TOPIC --out FILE               assign + seek_to_beginning, up to the end offsets
"""
import argparse
import json
import sys
import time

from kafka import KafkaConsumer, KafkaProducer, TopicPartition


def record(i):
    return f"key-{i % 1000}", f"value-{i}", [("h", b"v"), ("seq", str(i).encode())]


def render_headers(headers):
    return ",".join(f"{name}={value.decode()}" for name, value in (headers or []))


def produce(args):
    producer = KafkaProducer(bootstrap_servers=args.bootstrap, acks="all", linger_ms=5, retries=5,
                             request_timeout_ms=30_000)
    futures = []
    for i in range(args.count):
        key, value, headers = record(i)
        futures.append((i, producer.send(args.topic, key=key.encode(), value=value.encode(), headers=headers)))
    producer.flush(timeout=120)
    acknowledged, failed, errors = 0, 0, {}
    with open(args.acked, "w") as out:
        for i, future in futures:
            try:
                metadata = future.get(timeout=60)
            except Exception as error:  # the failure's type is what the test reports
                failed += 1
                errors[type(error).__name__] = errors.get(type(error).__name__, 0) + 1
                continue
            key, value, headers = record(i)
            out.write(f"{metadata.partition} {metadata.offset} {key} {value} {render_headers(headers)}\n")
            acknowledged += 1
    producer.close(timeout=30)
    print(json.dumps({"produced": args.count, "acknowledged": acknowledged, "failed": failed, "errors": errors}))


def consume(args):
    # group_id=None: no group coordinator is involved at all (manual assignment).
    consumer = KafkaConsumer(bootstrap_servers=args.bootstrap, group_id=None, enable_auto_commit=False,
                             request_timeout_ms=30_000)
    partitions = [TopicPartition(args.topic, p) for p in sorted(consumer.partitions_for_topic(args.topic) or [])]
    if not partitions:
        raise SystemExit(f"no partitions for {args.topic}")
    consumer.assign(partitions)
    consumer.seek_to_beginning(*partitions)
    ends = consumer.end_offsets(partitions)
    consumed = 0
    deadline = time.monotonic() + args.timeout_s
    with open(args.out, "w") as out:
        while any(consumer.position(tp) < ends[tp] for tp in partitions) and time.monotonic() < deadline:
            for tp, messages in consumer.poll(timeout_ms=1000, max_records=2000).items():
                for message in messages:
                    out.write(f"{message.partition} {message.offset} {message.key.decode()} "
                              f"{message.value.decode()} {render_headers(message.headers)}\n")
                    consumed += 1
    reached = {str(tp.partition): consumer.position(tp) for tp in partitions}
    consumer.close()
    print(json.dumps({"consumed": consumed, "highWatermarks": {str(tp.partition): ends[tp] for tp in partitions},
                      "reached": reached}))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["produce", "consume"])
    parser.add_argument("bootstrap")
    parser.add_argument("topic")
    parser.add_argument("--count", type=int, default=0)
    parser.add_argument("--acked")
    parser.add_argument("--out")
    parser.add_argument("--timeout-s", type=float, default=120.0)
    args = parser.parse_args()
    {"produce": produce, "consume": consume}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
