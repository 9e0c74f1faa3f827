// Planted: the monitor may not include the executor's program.
#include "app/CommandLine.h"
