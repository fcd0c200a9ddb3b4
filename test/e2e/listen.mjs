// Connects to the Api's live-events hub with the SignalR JavaScript client, as the dashboard does,
// and writes every "event" message it receives as one JSON line on stdout. The first line is
// {"connected":true} once the connection is up. Stops on SIGTERM or when stdin closes.
//
//   node listen.mjs <api base url> <api token>
import * as signalR from "@microsoft/signalr";

const [url, token] = process.argv.slice(2);
if (!url || !token) {
  console.error("usage: node listen.mjs <api base url> <api token>");
  process.exit(2);
}

const connection = new signalR.HubConnectionBuilder()
  .withUrl(new URL("/hubs/events", url).toString(), {
    accessTokenFactory: () => token,
    transport: signalR.HttpTransportType.WebSockets,
  })
  .configureLogging(signalR.LogLevel.Warning)
  .build();

const write = (message) => process.stdout.write(JSON.stringify(message) + "\n");
connection.on("event", (event) => write({ event }));
connection.onclose((error) => {
  write({ closed: true, error: error ? String(error) : null });
  process.exit(error ? 1 : 0);
});

const stop = async () => {
  await connection.stop();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.stdin.on("end", stop);
process.stdin.resume();

try {
  await connection.start();
  write({ connected: true, transport: "WebSockets" });
} catch (error) {
  write({ connected: false, error: String(error) });
  process.exit(1);
}
