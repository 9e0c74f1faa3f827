#pragma once

#include "config/ExecutorSettings.h"

// --show-config: every effective setting, its value and where it came from ("default",
// "file:LINE", "env NAME", "command line"), as a table or as JSON (--json). Returns the exit code.
namespace ShowConfig {

int print(const oa::ExecutorSettings &settings, bool json);

} // namespace ShowConfig
