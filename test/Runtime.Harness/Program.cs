using FluidManager.Runtime.Harness;

// Commands (connection string from ConnectionStrings__Fluid):
//   migrate                       apply runtime + test-grain migrations
//   silo [NAME]                   run an Orleans silo with the test grains and the pumps until SIGTERM
//   seed MESSAGES ACTIVITIES      post messages and schedule activities through turns
//   wait-quiet SECONDS            wait until no message or activity is left
//   check                         print invariants: lost, duplicated, overlapping turns
//   bench-turns CLIENTS SECONDS   counter turns on distinct grains / on one grain, with latencies, then warm
//                                 read-only calls on the distinct grains
//   bench-commit SECONDS          median commit latency of a trivial transaction
//   bench-messages N              posted messages applied per second by the silos running
//   bench-activities N            no-op activities completed per second by the silos running
// The bench-turns, bench-messages and bench-activities(-seed) drivers join the database's cluster as Orleans
// silos without pumps or gateway: their calls go through Orleans to activations wherever they are placed.
//   bench-notify N                NOTIFY-to-listener latency of committed events
return await Commands.RunAsync(args);
