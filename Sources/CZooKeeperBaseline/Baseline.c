// A plain C loop over libzookeeper_mt's asynchronous API: the yardstick `zkafka bench zk` measures
// the Swift client against. Same window, same paths and values, no Swift in between.
#include "CZooKeeperBaseline.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zookeeper/zookeeper.h>

typedef struct {
    pthread_mutex_t mutex;
    pthread_cond_t changed;
    int connected;
    int in_flight;
    long completed;
    int first_error;
} zkb_state;

static double zkb_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void zkb_watcher(zhandle_t *zh, int type, int state, const char *path, void *context) {
    (void)zh; (void)path;
    zkb_state *s = context;
    if (type == ZOO_SESSION_EVENT) {
        pthread_mutex_lock(&s->mutex);
        s->connected = (state == ZOO_CONNECTED_STATE) ? 1 : (state == ZOO_EXPIRED_SESSION_STATE ? -1 : s->connected);
        pthread_cond_broadcast(&s->changed);
        pthread_mutex_unlock(&s->mutex);
    }
}

static void zkb_complete(int rc, const void *data) {
    zkb_state *s = (zkb_state *)data;
    pthread_mutex_lock(&s->mutex);
    s->in_flight--;
    s->completed++;
    if (rc != ZOK && s->first_error == ZOK) s->first_error = rc;
    pthread_cond_broadcast(&s->changed);
    pthread_mutex_unlock(&s->mutex);
}

static void zkb_string_done(int rc, const char *value, const void *data) { (void)value; zkb_complete(rc, data); }
static void zkb_data_done(int rc, const char *value, int length, const struct Stat *stat, const void *data) {
    (void)value; (void)length; (void)stat; zkb_complete(rc, data);
}
static void zkb_stat_done(int rc, const struct Stat *stat, const void *data) { (void)stat; zkb_complete(rc, data); }

double zkb_run(const char *connect, zkb_operation operation, const char *prefix, long count, int window,
               int value_length, int timeout_ms, char *error, int error_length) {
    zkb_state s;
    memset(&s, 0, sizeof s);
    pthread_mutex_init(&s.mutex, NULL);
    pthread_cond_init(&s.changed, NULL);
    zoo_set_debug_level(ZOO_LOG_LEVEL_ERROR);
    zhandle_t *zh = zookeeper_init(connect, zkb_watcher, timeout_ms, NULL, &s, 0);
    if (zh == NULL) {
        snprintf(error, error_length, "zookeeper_init(%s) failed", connect);
        return -1;
    }
    /* As the Swift client (ZooKeeperHandle): resolve host names only when connecting, not on every I/O loop turn. */
    zoo_set_servers_resolution_delay(zh, -1);
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 30;
    pthread_mutex_lock(&s.mutex);
    while (s.connected == 0) {
        if (pthread_cond_timedwait(&s.changed, &s.mutex, &deadline) != 0) break;
    }
    int connected = s.connected;
    pthread_mutex_unlock(&s.mutex);
    if (connected != 1) {
        snprintf(error, error_length, "no session with %s within 30 s", connect);
        zookeeper_close(zh);
        return -1;
    }

    char *value = calloc((size_t)(value_length > 0 ? value_length : 1), 1);
    memset(value, 'v', (size_t)(value_length > 0 ? value_length : 0));
    char path[512];
    double started = zkb_now();
    for (long index = 0; index < count; index++) {
        pthread_mutex_lock(&s.mutex);
        while (s.in_flight >= window) pthread_cond_wait(&s.changed, &s.mutex);
        s.in_flight++;
        pthread_mutex_unlock(&s.mutex);
        snprintf(path, sizeof path, "%s%ld", prefix, index);
        int rc;
        switch (operation) {
        case ZKB_CREATE:
            rc = zoo_acreate(zh, path, value, value_length, &ZOO_OPEN_ACL_UNSAFE, 0, zkb_string_done, &s);
            break;
        case ZKB_GET:
            rc = zoo_aget(zh, path, 0, zkb_data_done, &s);
            break;
        default:
            rc = zoo_aset(zh, path, value, value_length, -1, zkb_stat_done, &s);
            break;
        }
        if (rc != ZOK) zkb_complete(rc, &s);
    }
    pthread_mutex_lock(&s.mutex);
    while (s.in_flight > 0) pthread_cond_wait(&s.changed, &s.mutex);
    int first_error = s.first_error;
    pthread_mutex_unlock(&s.mutex);
    double elapsed = zkb_now() - started;
    free(value);
    zookeeper_close(zh);
    pthread_cond_destroy(&s.changed);
    pthread_mutex_destroy(&s.mutex);
    if (first_error != ZOK) {
        snprintf(error, error_length, "a request failed: %s", zerror(first_error));
        return -1;
    }
    return (double)count / elapsed;
}
