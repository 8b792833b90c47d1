#ifndef ZKAFKA_CZOOKEEPER_BASELINE_H
#define ZKAFKA_CZOOKEEPER_BASELINE_H
int zkb_placeholder(void);
#endif
