// Planted for the layers_refused test: fs/ is below run/.
#include "run/Executor.h"
