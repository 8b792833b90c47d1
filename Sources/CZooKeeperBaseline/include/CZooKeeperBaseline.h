#ifndef ZKAFKA_CZOOKEEPER_BASELINE_H
#define ZKAFKA_CZOOKEEPER_BASELINE_H

/// The operations the baseline loop can drive.
typedef enum {
    ZKB_CREATE = 0,
    ZKB_GET = 1,
    ZKB_SET = 2,
} zkb_operation;

/// Runs `count` operations of one kind against `connect` through the C client's asynchronous API,
/// keeping at most `window` requests in flight, on paths `<prefix><index>` with `value_length`
/// bytes of data. Opens and closes its own session. Returns operations per second measured from
/// the first request to the last completion, or -1 with a message in `error` (size `error_length`).
double zkb_run(const char *connect, zkb_operation operation, const char *prefix, long count, int window,
               int value_length, int timeout_ms, char *error, int error_length);

#endif
