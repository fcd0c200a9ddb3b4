using FluidManager.Runtime.Harness;

// Commands (connection string from ConnectionStrings__Fluid):
//   migrate                       apply runtime + test-grain migrations
//   silo [NAME]                   run an Orleans silo with the test grains and the pumps until SIGTERM
//   seed MESSAGES ACTIVITIES      post messages and schedule activities through turns
//   wait-quiet SECONDS            wait until no message or activity is left
//   check                         print invariants: lost, duplicated, overlapping turns
//   bench-turns CLIENTS SECONDS   counter turns on distinct grains / on one grain, with latencies
//   bench-commit SECONDS          median commit latency of a trivial transaction
//   bench-messages N              posted messages applied per second by the silos running
//   bench-activities N            no-op activities completed per second by the silos running
//   bench-notify N                NOTIFY-to-listener latency of committed events
return await Commands.RunAsync(args);
