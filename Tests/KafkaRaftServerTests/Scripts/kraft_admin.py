"""confluent-kafka AdminClient calls for the KRaft broker tests. The last stdout line is JSON.

  create  BOOTSTRAP TOPIC PARTITIONS RF [key=value ...]   {"error": null | "..."}
  brokers BOOTSTRAP -                                     {"brokers": [id, ...]}  (the live brokers BOOTSTRAP knows)
  leaders BOOTSTRAP TOPIC                                 {"controller": id, "partitions": {"0": [leader, [isr...]], ...}}
"""
import json
import sys

from confluent_kafka.admin import AdminClient, NewTopic


def main():
    command, bootstrap, topic = sys.argv[1:4]
    admin = AdminClient({"bootstrap.servers": bootstrap})
    if command == "create":
        partitions, rf = int(sys.argv[4]), int(sys.argv[5])
        config = dict(arg.split("=", 1) for arg in sys.argv[6:])
        futures = admin.create_topics([NewTopic(topic, partitions, rf, config=config)], request_timeout=30)
        try:
            futures[topic].result(timeout=60)
            print(json.dumps({"error": None}))
        except Exception as error:  # the test prints it
            print(json.dumps({"error": str(error)}))
    elif command == "brokers":
        print(json.dumps({"brokers": sorted(admin.list_topics(timeout=20).brokers)}))
    elif command == "leaders":
        metadata = admin.list_topics(topic, timeout=20)
        described = metadata.topics[topic]
        if described.error is not None:
            print(json.dumps({"error": str(described.error)}))
            return
        print(json.dumps({
            "controller": metadata.controller_id,
            "brokers": sorted(metadata.brokers),
            "partitions": {str(p): [m.leader, list(m.isrs)] for p, m in described.partitions.items()},
        }))


if __name__ == "__main__":
    main()
