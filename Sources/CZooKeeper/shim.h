// The C client is used in its multi-threaded flavour (libzookeeper_mt): it runs its own I/O and
// completion threads, which is what lets the Swift side be fully asynchronous.
#ifndef ZKAFKA_CZOOKEEPER_SHIM_H
#define ZKAFKA_CZOOKEEPER_SHIM_H
#ifndef THREADED
#define THREADED 1
#endif
#include <zookeeper/zookeeper.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#endif
