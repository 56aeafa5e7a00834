// Peer for scripts/bench: the AWS sample app's approach (simple-websockets-chat-app
// sendmessage): JS SDK v3 ApiGatewayManagementApiClient, every post at once under Promise.all.
// The sample gets its ids from a DynamoDB scan; here they come from the same ids file wsadm
// reads (--targets), so both send to the same set and neither pays for moto's slow scan.
// Prints one JSON line: delivered, gone, failed, elapsed_secs.
import { readFileSync } from "node:fs";
import {
  ApiGatewayManagementApiClient,
  PostToConnectionCommand,
} from "@aws-sdk/client-apigatewaymanagementapi";

const [endpoint, idsFile, message] = process.argv.slice(2);
const ids = readFileSync(idsFile, "utf8").split("\n").filter(Boolean);
const client = new ApiGatewayManagementApiClient({ endpoint, region: process.env.AWS_REGION || "us-east-1" });
const data = new TextEncoder().encode(message);
const start = performance.now();
const outcomes = await Promise.all(
  ids.map(async (ConnectionId) => {
    try {
      await client.send(new PostToConnectionCommand({ ConnectionId, Data: data }));
      return "delivered";
    } catch (e) {
      return e && e.name === "GoneException" ? "gone" : "failed";
    }
  }),
);
const elapsed = (performance.now() - start) / 1000;
const count = (k) => outcomes.filter((o) => o === k).length;
console.log(JSON.stringify({
  delivered: count("delivered"),
  gone: count("gone"),
  failed: count("failed"),
  elapsed_secs: elapsed,
  rate_per_sec: ids.length / elapsed,
}));
