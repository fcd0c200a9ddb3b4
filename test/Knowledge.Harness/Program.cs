using FluidManager.Knowledge.Harness;

// Commands (connection string from ConnectionStrings__Fluid):
//   bench-rag [--chunks N] [--queries N] [--ef-search N]
//       migrates, loads N synthetic chunks (384 dimensions, clustered; binary COPY) in 20 spaces with an
//       ACL mix, builds the HNSW and full-text indexes, then prints hybrid retrieval latency with ACL
//       filtering, the recall@10 of the HNSW path (vector, then halfvec) against exact search, MiniLM's
//       sentences per second and hit@5 of MiniLM and of the hashing model on a labelled question set,
//       as key=value lines.
return await RagBench.RunAsync(args);
