"""OffsetsForLeaderEpoch (API key 23) v3 over a plain socket, encoded by hand from Kafka's
message spec, so a test checks the broker's answer with an encoder that is not ZKafka's.

  offset_for_leader_epoch.py HOST:PORT TOPIC PARTITION LEADER_EPOCH [CURRENT_LEADER_EPOCH]

Prints {"errorCode": E, "leaderEpoch": L, "endOffset": O}.
"""
import json
import socket
import struct
import sys


def string(value):
    data = value.encode()
    return struct.pack(">h", len(data)) + data


def main():
    host, port = sys.argv[1].rsplit(":", 1)
    topic, partition, leader_epoch = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    current = int(sys.argv[5]) if len(sys.argv) > 5 else -1
    # Request header v1: api key, version, correlation id, client id.
    header = struct.pack(">hhi", 23, 3, 7) + string("epoch-probe")
    # v3 body: replica_id, [topic, [partition, current_leader_epoch, leader_epoch]].
    body = struct.pack(">i", -1) + struct.pack(">i", 1) + string(topic) + struct.pack(">i", 1)
    body += struct.pack(">iii", partition, current, leader_epoch)
    frame = header + body
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(struct.pack(">i", len(frame)) + frame)
        size = struct.unpack(">i", read(connection, 4))[0]
        response = read(connection, size)
    correlation, _throttle, topics = struct.unpack_from(">iii", response, 0)
    assert correlation == 7 and topics == 1, (correlation, topics)
    offset = 12
    name_length = struct.unpack_from(">h", response, offset)[0]
    offset += 2 + name_length
    partitions = struct.unpack_from(">i", response, offset)[0]
    assert partitions == 1, partitions
    error, _partition, epoch, end = struct.unpack_from(">hiiq", response, offset + 4)
    print(json.dumps({"errorCode": error, "leaderEpoch": epoch, "endOffset": end}))


def read(connection, count):
    data = b""
    while len(data) < count:
        chunk = connection.recv(count - len(data))
        if not chunk:
            raise SystemExit("connection closed")
        data += chunk
    return data


main()
