#!/usr/bin/python3
"""Capture golden protocol bytes with kafka-python 2.0.2 (Debian python3-kafka), independently of
ZKafka's Swift encoder.

Writes Tests/KafkaProtocolTests/Fixtures/<api>_<request|response>_v<N>[_<variant>].hex (body only,
no size or header) and record-batch fixtures (records_*.hex). Run from the repository root:

    /usr/bin/python3 scripts/capture_protocol_fixtures.py

kafka-python lacks: flexible versions of every API, LeaderAndIsr/StopReplica/UpdateMetadata/
ControlledShutdown, InitProducerId, ApiVersions v3, and versions above its own maxima (e.g. Metadata > 5,
JoinGroup > 2, OffsetCommit > 3). Those are covered by the Swift round-trip tests only.
"""
import os
import sys

import kafka
from kafka.protocol.admin import (ApiVersionRequest, ApiVersionResponse, CreateTopicsRequest, CreateTopicsResponse,
                                  DeleteTopicsRequest, DeleteTopicsResponse, DescribeConfigsRequest,
                                  DescribeConfigsResponse, DescribeGroupsRequest, DescribeGroupsResponse,
                                  ListGroupsRequest, ListGroupsResponse)
from kafka.protocol.parser import KafkaProtocol
from kafka.protocol.commit import (GroupCoordinatorRequest, GroupCoordinatorResponse, OffsetCommitRequest,
                                   OffsetCommitResponse, OffsetFetchRequest, OffsetFetchResponse)
from kafka.protocol.fetch import FetchRequest, FetchResponse
from kafka.protocol.group import (HeartbeatRequest, HeartbeatResponse, JoinGroupRequest, JoinGroupResponse,
                                  LeaveGroupRequest, LeaveGroupResponse, SyncGroupRequest, SyncGroupResponse)
from kafka.protocol.metadata import MetadataRequest, MetadataResponse
from kafka.protocol.offset import OffsetRequest, OffsetResponse
from kafka.protocol.produce import ProduceRequest, ProduceResponse
from kafka.record.default_records import DefaultRecordBatchBuilder
from kafka.record.legacy_records import LegacyRecordBatchBuilder

assert kafka.__version__ == "2.0.2", kafka.__version__
OUT = os.path.join("Tests", "KafkaProtocolTests", "Fixtures")
os.makedirs(OUT, exist_ok=True)
written = []


def save(name, data):
    with open(os.path.join(OUT, name + ".hex"), "w") as f:
        f.write(data.hex() + "\n")
    written.append(name)


def body(name, cls, version, *fields, variant=None):
    obj = cls[version](*fields)  # keep a reference: encode() is a weak method
    data = obj.encode()
    save("%s_v%d%s" % (name, version, "_" + variant if variant else ""), data)
    return data


TS = 1700000000000


def v2_batch(records, compression=0):
    b = DefaultRecordBatchBuilder(magic=2, compression_type=compression, is_transactional=0, producer_id=-1,
                                  producer_epoch=-1, base_sequence=-1, batch_size=1 << 20)
    for i, (key, value, headers) in enumerate(records):
        b.append(i, timestamp=TS + i, key=key, value=value, headers=headers)
    return bytes(b.build())


def legacy_set(magic, records, compression=0):
    b = LegacyRecordBatchBuilder(magic=magic, compression_type=compression, batch_size=1 << 20)
    for i, (key, value) in enumerate(records):
        b.append(i, timestamp=TS + i if magic else None, key=key, value=value)
    return bytes(b.build())


# Record batches and message sets.
one = v2_batch([(b"k", b"v", [])])
save("records_v2_single", one)
three = v2_batch([(None, b"hello", []), (b"key-2", None, []), (b"key-3", b"value-3", [("h1", b"x"), ("h2", None)])])
save("records_v2_headers", three)
save("records_v2_gzip", v2_batch([(None, b"m%d" % i * 10, []) for i in range(20)], compression=1))
save("records_v0", legacy_set(0, [(None, b"v0-a"), (b"k", b"v0-b")]))
save("records_v1", legacy_set(1, [(None, b"v1-a"), (b"k", b"v1-b")]))
save("records_v1_gzip", legacy_set(1, [(None, b"v1-gz-%d" % i) for i in range(5)], compression=1))
save("records_v0_gzip", legacy_set(0, [(None, b"v0-gz-%d" % i) for i in range(5)], compression=1))

# Full request frames (size prefix + header v1 + body) exactly as kafka-python's connection sends them.
for name, req in (("apiversions", ApiVersionRequest[0]()), ("metadata", MetadataRequest[0]([]))):
    proto = KafkaProtocol(client_id="kafka-python-2.0.2")
    proto.send_request(req)
    save("frame_%s_v0" % name, proto.send_bytes())

# ApiVersions (18)
for v in range(3):
    body("apiversions_request", ApiVersionRequest, v)
body("apiversions_response", ApiVersionResponse, 0, 0, [(0, 0, 7), (1, 0, 11), (18, 0, 3)])
body("apiversions_response", ApiVersionResponse, 1, 0, [(0, 0, 7), (3, 0, 5)], 0)
body("apiversions_response", ApiVersionResponse, 2, 35, [(18, 0, 3)], 0)

# Metadata (3)
body("metadata_request", MetadataRequest, 0, [])
body("metadata_request", MetadataRequest, 0, ["t1", "t2"], variant="topics")
body("metadata_request", MetadataRequest, 1, None)
body("metadata_request", MetadataRequest, 1, ["t1"], variant="topics")
body("metadata_request", MetadataRequest, 2, [])
body("metadata_request", MetadataRequest, 3, ["t1"])
body("metadata_request", MetadataRequest, 4, ["t1"], True)
body("metadata_request", MetadataRequest, 5, None, False)
brokers0 = [(0, "localhost", 9092), (1, "broker-1", 9093)]
parts = [(0, 0, 0, [0, 1], [0, 1]), (5, 1, -1, [1], [])]
body("metadata_response", MetadataResponse, 0, brokers0, [(0, "topic-a", parts), (3, "missing", [])])
brokers1 = [(0, "localhost", 9092, None), (1, "broker-1", 9093, "rack-1")]
body("metadata_response", MetadataResponse, 1, brokers1, 0, [(0, "topic-a", False, parts), (0, "__consumer_offsets", True, [])])
body("metadata_response", MetadataResponse, 2, brokers1, "cluster-xyz", 1, [(0, "topic-a", False, parts)])
body("metadata_response", MetadataResponse, 3, 0, brokers1, "cluster-xyz", 1, [(0, "topic-a", False, parts)])
body("metadata_response", MetadataResponse, 4, 0, brokers1, None, 1, [(0, "topic-a", False, parts)])
parts5 = [(0, 0, 0, [0, 1], [0, 1], []), (0, 1, 1, [1, 0], [1], [0])]
body("metadata_response", MetadataResponse, 5, 0, brokers1, "cluster-xyz", 0, [(0, "topic-a", False, parts5)])

# Produce (0)
body("produce_request", ProduceRequest, 0, 1, 1000, [("topic-a", [(0, legacy_set(0, [(None, b"v0")]))])])
body("produce_request", ProduceRequest, 2, 1, 1000, [("topic-a", [(0, legacy_set(1, [(b"k", b"v1")]))])])
body("produce_request", ProduceRequest, 3, None, -1, 30000, [("topic-a", [(0, one)])])
body("produce_request", ProduceRequest, 7, None, 1, 30000, [("topic-a", [(0, one), (1, three)]), ("topic-b", [(2, one)])])
body("produce_response", ProduceResponse, 0, [("topic-a", [(0, 0, 42)])])
body("produce_response", ProduceResponse, 2, [("topic-a", [(0, 0, 42, -1)])], 0)
body("produce_response", ProduceResponse, 5, [("topic-a", [(0, 0, 42, -1, 0), (1, 2, -1, -1, 0)])], 0)
body("produce_response", ProduceResponse, 7, [("topic-a", [(0, 0, 42, -1, 0)])], 0)

# Fetch (1)
body("fetch_request", FetchRequest, 0, -1, 500, 1, [("topic-a", [(0, 0, 1048576)])])
body("fetch_request", FetchRequest, 3, -1, 500, 1, 52428800, [("topic-a", [(0, 5, 1048576)])])
body("fetch_request", FetchRequest, 4, -1, 500, 1, 52428800, 0, [("topic-a", [(0, 5, 1048576), (1, 0, 1048576)])])
body("fetch_request", FetchRequest, 5, -1, 500, 1, 52428800, 1, [("topic-a", [(0, 5, 0, 1048576)])])
body("fetch_request", FetchRequest, 7, -1, 500, 1, 52428800, 0, 0, -1, [("topic-a", [(0, 5, 0, 1048576)])], [])
body("fetch_request", FetchRequest, 10, -1, 500, 1, 52428800, 0, 0, -1, [("topic-a", [(0, -1, 5, 0, 1048576)])], [])
body("fetch_response", FetchResponse, 0, [("topic-a", [(0, 0, 3, legacy_set(0, [(None, b"x")]))])])
body("fetch_response", FetchResponse, 4, 0, [("topic-a", [(0, 0, 1, 1, None, one), (1, 1, -1, -1, [], b"")])])
body("fetch_response", FetchResponse, 4, 0, [("topic-a", [(0, 0, 3, 3, [(7, 2)], three)])], variant="aborted")
body("fetch_response", FetchResponse, 5, 0, [("topic-a", [(0, 0, 1, 1, 0, None, one)])])
body("fetch_response", FetchResponse, 7, 0, 0, 0, [("topic-a", [(0, 0, 1, 1, 0, None, one)])])

# ListOffsets (2)
body("listoffsets_request", OffsetRequest, 0, -1, [("topic-a", [(0, -1, 1)])])
body("listoffsets_request", OffsetRequest, 1, -1, [("topic-a", [(0, -2), (1, TS)])])
body("listoffsets_request", OffsetRequest, 2, -1, 1, [("topic-a", [(0, -1)])])
body("listoffsets_response", OffsetResponse, 0, [("topic-a", [(0, 0, [42])])])
body("listoffsets_response", OffsetResponse, 1, [("topic-a", [(0, 0, -1, 42)])])
body("listoffsets_response", OffsetResponse, 2, 0, [("topic-a", [(0, 0, TS, 42)])])

# FindCoordinator (10)
body("findcoordinator_request", GroupCoordinatorRequest, 0, "my-group")
body("findcoordinator_request", GroupCoordinatorRequest, 1, "my-group", 0)
body("findcoordinator_response", GroupCoordinatorResponse, 0, 0, 1, "localhost", 9092)
# kafka-python's GroupCoordinatorResponse_v1 schema lacks ThrottleTimeMs, so no v1 response fixture.

# Group membership (11–14)
sub = b"\x00\x00\x00\x00\x00\x01\x00\x07topic-a\xff\xff\xff\xff"
body("joingroup_request", JoinGroupRequest, 0, "my-group", 10000, "", "consumer", [("range", sub)])
body("joingroup_request", JoinGroupRequest, 1, "my-group", 10000, 300000, "", "consumer", [("range", sub), ("roundrobin", sub)])
body("joingroup_request", JoinGroupRequest, 2, "my-group", 10000, 300000, "member-1", "consumer", [("range", sub)])
body("joingroup_response", JoinGroupResponse, 0, 0, 1, "range", "member-1", "member-1", [("member-1", sub)])
body("joingroup_response", JoinGroupResponse, 2, 0, 0, 3, "range", "member-1", "member-2", [])
body("syncgroup_request", SyncGroupRequest, 0, "my-group", 1, "member-1", [("member-1", b"\x00\x00assign")])
body("syncgroup_request", SyncGroupRequest, 1, "my-group", 1, "member-2", [])
body("syncgroup_response", SyncGroupResponse, 0, 0, b"\x00\x00assign")
body("syncgroup_response", SyncGroupResponse, 1, 0, 27, b"")
body("heartbeat_request", HeartbeatRequest, 0, "my-group", 1, "member-1")
body("heartbeat_request", HeartbeatRequest, 1, "my-group", 2, "member-1")
body("heartbeat_response", HeartbeatResponse, 0, 27)
body("heartbeat_response", HeartbeatResponse, 1, 0, 0)
body("leavegroup_request", LeaveGroupRequest, 0, "my-group", "member-1")
body("leavegroup_request", LeaveGroupRequest, 1, "my-group", "member-1")
body("leavegroup_response", LeaveGroupResponse, 0, 0)
body("leavegroup_response", LeaveGroupResponse, 1, 0, 25)

# Offsets (8, 9)
body("offsetcommit_request", OffsetCommitRequest, 0, "my-group", [("topic-a", [(0, 42, "meta")])])
body("offsetcommit_request", OffsetCommitRequest, 1, "my-group", 3, "member-1", [("topic-a", [(0, 42, TS, "")])])
body("offsetcommit_request", OffsetCommitRequest, 2, "my-group", 3, "member-1", -1, [("topic-a", [(0, 42, ""), (1, 7, None)])])
body("offsetcommit_request", OffsetCommitRequest, 3, "my-group", 3, "member-1", -1, [("topic-a", [(0, 42, "")])])
body("offsetcommit_response", OffsetCommitResponse, 0, [("topic-a", [(0, 0)])])
body("offsetcommit_response", OffsetCommitResponse, 2, [("topic-a", [(0, 0), (1, 22)])])
body("offsetcommit_response", OffsetCommitResponse, 3, 0, [("topic-a", [(0, 0)])])
body("offsetfetch_request", OffsetFetchRequest, 0, "my-group", [("topic-a", [0, 1])])
body("offsetfetch_request", OffsetFetchRequest, 1, "my-group", [("topic-a", [0, 1])])
body("offsetfetch_request", OffsetFetchRequest, 2, "my-group", None)
body("offsetfetch_request", OffsetFetchRequest, 3, "my-group", [("topic-a", [0])])
body("offsetfetch_response", OffsetFetchResponse, 1, [("topic-a", [(0, 42, "", 0), (1, -1, "", 0)])])
body("offsetfetch_response", OffsetFetchResponse, 2, [("topic-a", [(0, 42, "", 0)])], 0)
body("offsetfetch_response", OffsetFetchResponse, 3, 0, [("topic-a", [(0, 42, "", 0)])], 0)

# Topics admin (19, 20, 32)
body("createtopics_request", CreateTopicsRequest, 0, [("new-topic", 3, 1, [], [("retention.ms", "1000")])], 30000)
body("createtopics_request", CreateTopicsRequest, 1, [("new-topic", -1, -1, [(0, [0, 1]), (1, [1, 0])], [])], 30000, True)
body("createtopics_request", CreateTopicsRequest, 3, [("new-topic", 3, 2, [], [("cleanup.policy", None)])], 5000, False)
body("createtopics_response", CreateTopicsResponse, 0, [("new-topic", 0)])
body("createtopics_response", CreateTopicsResponse, 1, [("new-topic", 36, "Topic already exists")])
body("createtopics_response", CreateTopicsResponse, 3, 0, [("new-topic", 0, None)])
body("deletetopics_request", DeleteTopicsRequest, 0, ["t1", "t2"], 30000)
body("deletetopics_request", DeleteTopicsRequest, 3, ["t1"], 5000)
body("deletetopics_response", DeleteTopicsResponse, 0, [("t1", 0), ("t2", 3)])
body("deletetopics_response", DeleteTopicsResponse, 3, 0, [("t1", 0)])
body("describeconfigs_request", DescribeConfigsRequest, 0, [(2, "topic-a", None)])
body("describeconfigs_request", DescribeConfigsRequest, 1, [(2, "topic-a", ["retention.ms"]), (4, "0", None)], False)
body("describeconfigs_request", DescribeConfigsRequest, 2, [(2, "topic-a", None)], True)
body("describeconfigs_response", DescribeConfigsResponse, 0, 0, [(0, None, 2, "topic-a", [("retention.ms", "1000", False, False, False)])])
body("describeconfigs_response", DescribeConfigsResponse, 1, 0, [(0, None, 2, "topic-a", [("retention.ms", "1000", False, 1, False, [("retention.ms", "1000", 1)])])])

# Group admin (15, 16)
body("listgroups_request", ListGroupsRequest, 0)
body("listgroups_request", ListGroupsRequest, 2)
body("listgroups_response", ListGroupsResponse, 0, 0, [("my-group", "consumer")])
body("listgroups_response", ListGroupsResponse, 1, 0, 0, [("my-group", "consumer")])
body("describegroups_request", DescribeGroupsRequest, 0, ["my-group"])
body("describegroups_request", DescribeGroupsRequest, 3, ["my-group"], True)
body("describegroups_response", DescribeGroupsResponse, 0, [(0, "my-group", "Stable", "consumer", "range",
                                                            [("member-1", "client-1", "/127.0.0.1", sub, b"\x00\x00assign")])])
body("describegroups_response", DescribeGroupsResponse, 1, 0, [(0, "my-group", "Empty", "", "", [])])

print("wrote %d fixtures to %s" % (len(written), OUT))
