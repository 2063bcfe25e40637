// Stands in for the sender's entry: writes the heap limits this worker was started with to the file
// named by AXONPUSH_TEST_LIMITS_FILE (the worker gets the app's environment), then ends.
const { resourceLimits } = require("node:worker_threads");
require("node:fs").writeFileSync(process.env.AXONPUSH_TEST_LIMITS_FILE, JSON.stringify(resourceLimits));
