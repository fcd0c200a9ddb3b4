using FluidManager.Knowledge.Harness;

// Commands (connection string from ConnectionStrings__Fluid):
//   bench-rag [--chunks N] [--queries N] [--ef-search N]
//       migrates, loads N synthetic chunks (384 dimensions, clustered) in 20 spaces with an ACL mix,
//       builds the HNSW and full-text indexes, then prints hybrid retrieval latency with ACL filtering
//       and the recall@10 of the HNSW path against exact search, as key=value lines.
return await RagBench.RunAsync(args);
