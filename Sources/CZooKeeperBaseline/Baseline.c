#include "CZooKeeperBaseline.h"
int zkb_placeholder(void) { return 0; }
