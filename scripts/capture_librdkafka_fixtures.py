#!/usr/bin/python3
"""Capture request bytes as librdkafka 2.0.2 (confluent-kafka-python 2.0.x) sends them on the wire.

A tiny fake broker, written here with struct.pack (independent of ZKafka's Swift encoder), answers
just enough for a producer and a consumer to run: ApiVersions v3, Metadata v4, Produce v7,
ListOffsets v2 and Fetch v11. Every request body it receives is written to
Tests/KafkaProtocolTests/Fixtures/librdkafka_<api>_request_v<N>.hex (body only, header stripped),
plus the complete ApiVersions v3 frame. Run from the repository root:

    /usr/bin/python3 scripts/capture_librdkafka_fixtures.py
"""
import os
import socket
import struct
import threading

import confluent_kafka

OUT = os.path.join("Tests", "KafkaProtocolTests", "Fixtures")
NAMES = {0: "produce", 1: "fetch", 2: "listoffsets", 3: "metadata", 18: "apiversions"}
FLEXIBLE_FROM = {18: 3, 0: 9, 1: 12, 2: 6, 3: 9}
TOPIC = b"lib-topic"
stored = {"batch": b""}
seen = set()


def s16(b):
    return struct.pack(">h", len(b)) + b


def arr(items):
    return struct.pack(">i", len(items)) + b"".join(items)


def frame(corr, body):
    payload = struct.pack(">i", corr) + body
    return struct.pack(">i", len(payload)) + payload


def answer(key, ver, corr, body, port):
    if key == 18:
        apis = [(0, 3, 7), (1, 4, 11), (2, 0, 2), (3, 0, 4), (18, 0, 3)]
        entries = b"".join(struct.pack(">hhhb", k, lo, hi, 0) for k, lo, hi in apis)
        return frame(corr, struct.pack(">h", 0) + bytes([len(apis) + 1]) + entries + struct.pack(">i", 0) + b"\x00")
    if key == 3:
        broker = struct.pack(">i", 0) + s16(b"127.0.0.1") + struct.pack(">i", port) + struct.pack(">h", -1)
        part = struct.pack(">hii", 0, 0, 0) + arr([struct.pack(">i", 0)]) + arr([struct.pack(">i", 0)])
        topic = struct.pack(">h", 0) + s16(TOPIC) + b"\x00" + arr([part])
        return frame(corr, struct.pack(">i", 0) + arr([broker]) + struct.pack(">h", -1) + struct.pack(">i", 0) + arr([topic]))
    if key == 0:
        # Keep the batch for the fetch answer: skip transactional id, acks, timeout, topic array, name,
        # partition array, index, then NULLABLE_BYTES.
        pos = 0
        tid_len = struct.unpack_from(">h", body, pos)[0]
        pos += 2 + max(tid_len, 0) + 2 + 4 + 4
        name_len = struct.unpack_from(">h", body, pos)[0]
        pos += 2 + name_len + 4 + 4
        size = struct.unpack_from(">i", body, pos)[0]
        stored["batch"] = body[pos + 4:pos + 4 + size]
        part = struct.pack(">ihqqq", 0, 0, 0, -1, 0)
        return frame(corr, arr([s16(TOPIC) + arr([part])]) + struct.pack(">i", 0))
    if key == 2:
        part = struct.pack(">ihqq", 0, 0, -1, 0)
        return frame(corr, struct.pack(">i", 0) + arr([s16(TOPIC) + arr([part])]))
    if key == 1:
        records = stored["batch"]
        part = (struct.pack(">ihqqq", 0, 0, 1, 1, 0) + struct.pack(">i", 0) + struct.pack(">i", -1)
                + struct.pack(">i", len(records)) + records)
        return frame(corr, struct.pack(">ihi", 0, 0, 0) + arr([s16(TOPIC) + arr([part])]))
    return None


def serve_connection(conn, port):
    buf = b""
    while True:
        data = conn.recv(65536)
        if not data:
            return
        buf += data
        while len(buf) >= 4:
            size = struct.unpack_from(">i", buf)[0]
            if len(buf) < 4 + size:
                break
            raw, buf = buf[4:4 + size], buf[4 + size:]
            key, ver, corr, cid_len = struct.unpack_from(">hhih", raw)
            pos = 10 + max(cid_len, 0)
            if ver >= FLEXIBLE_FROM.get(key, 99):
                pos += 1  # empty header tag buffer
            body = raw[pos:]
            name = "librdkafka_%s_request_v%d" % (NAMES.get(key, str(key)), ver)
            if name not in seen and (key != 0 or len(body) > 0):
                seen.add(name)
                with open(os.path.join(OUT, name + ".hex"), "w") as f:
                    f.write(body.hex() + "\n")
                if key == 18:
                    with open(os.path.join(OUT, "frame_librdkafka_apiversions_v%d.hex" % ver), "w") as f:
                        f.write((struct.pack(">i", size) + raw).hex() + "\n")
            reply = answer(key, ver, corr, body, port)
            if reply:
                conn.sendall(reply)


def main():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]

    def accept_loop():
        while True:
            conn, _ = server.accept()
            threading.Thread(target=serve_connection, args=(conn, port), daemon=True).start()

    threading.Thread(target=accept_loop, daemon=True).start()
    bootstrap = "127.0.0.1:%d" % port
    producer = confluent_kafka.Producer({"bootstrap.servers": bootstrap, "linger.ms": 50})
    for i in range(3):
        producer.produce(TOPIC.decode(), key=b"key-%d" % i, value=b"value-%d" % i, partition=0,
                         headers=[("h", b"1")], timestamp=1700000000000 + i)
    producer.flush(10)
    consumer = confluent_kafka.Consumer({"bootstrap.servers": bootstrap, "group.id": "unused",
                                         "enable.auto.commit": False, "auto.offset.reset": "earliest"})
    consumer.assign([confluent_kafka.TopicPartition(TOPIC.decode(), 0, confluent_kafka.OFFSET_END)])
    for _ in range(20):
        consumer.poll(0.2)
        if any(n.startswith("librdkafka_fetch") for n in seen) and any(n.startswith("librdkafka_listoffsets") for n in seen):
            break
    consumer.close()
    print("captured:", sorted(seen))


main()
