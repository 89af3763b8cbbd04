// Training reseeds libtorch's process-wide generator at every epoch (initialisation, dropout); a test class running
// in parallel would draw from the same generator and break the exact-reproducibility and resume checks.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
