// Container health check for the slim image (no curl): GET /health/live on the service's port,
// the port read from the service catalogue (PORT overrides it, as in the service itself).
const { SERVICES } = require('../dist/libs/platform/src/services');

const port = process.env.PORT || SERVICES[process.env.SERVICE].port;
fetch(`http://127.0.0.1:${port}/health/live`, { signal: AbortSignal.timeout(2000) }).then(
  (response) => process.exit(response.ok ? 0 : 1),
  () => process.exit(1),
);
