// RabbitMQ (Debian's rabbitmq-server) through amqplib: each request
// publishes an order to a queue and waits for its consumer to settle it;
// the consumer acknowledges GET /ok's and rejects GET /fail's (nack). The
// publish span is below the request, the consumer's below the publish span
// (the trace context travels in the message headers). See helpers/client-cases.ts.
import { AT_THE_SERVER, describeClients, type ExpectedSpan } from "./helpers/client-cases.js";
import { startRabbitMq } from "./helpers/rabbitmq.js";
import { useServer } from "./helpers/use-server.js";

const server = useServer(startRabbitMq);

const RABBITMQ = {
  "messaging.system": "rabbitmq",
  "messaging.rabbitmq.routing_key": /^orders_\d+$/,
  // The connection's URL, its password masked by the instrumentation.
  "messaging.url": /^amqp:\/\/axonpush:\*\*\*@127\.0\.0\.1:\d+$/,
  ...AT_THE_SERVER,
};
const PUBLISH: ExpectedSpan = { name: "publish <default>", kind: "PRODUCER", status: "UNSET", attributes: RABBITMQ };
const processed = (status: ExpectedSpan["status"]): ExpectedSpan => ({
  name: /^orders_\d+ process$/,
  kind: "CONSUMER",
  status,
  attributes: { ...RABBITMQ, "messaging.operation": "process" },
  parent: "publish <default>",
});

describeClients(
  [
    {
      client: "amqplib",
      fixture: "fixtures/servers/amqplib",
      answers: {
        "/ok": '200 {"order":"good order","outcome":"acknowledged"}',
        "/fail": '200 {"order":"bad order","outcome":"rejected"}',
      },
      spans: { "/ok": [PUBLISH, processed("UNSET")], "/fail": [PUBLISH, processed("ERROR")] },
    },
  ],
  server,
);
