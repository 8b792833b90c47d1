#!/bin/bash
# Healthy once the server answers `srvr` as leader, follower or standalone (bash's /dev/tcp: no nc needed).
exec 3<>/dev/tcp/127.0.0.1/2181 || exit 1
printf srvr >&3
grep -qE '^Mode: (leader|follower|standalone)' <&3
