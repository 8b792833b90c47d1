#!/bin/bash
# Healthy once the broker accepts connections on its inter-broker listener (it opens its listeners
# just before registering in ZooKeeper).
exec 3<>/dev/tcp/127.0.0.1/${1:-19092}
