import _CKernels

/// Process-wide settings for training and evaluation: OpenBLAS threads and the allocator.
public enum ComputeEnvironment {
    /// Sets the OpenBLAS thread count and AELab's own (`WorkerThreads`), and keeps freed tensor memory in the process.
    ///
    /// A training step allocates and frees the same tensor sizes every batch (activations,
    /// gradients: up to 5.8 MB each). By default glibc serves blocks above a dynamic threshold
    /// with `mmap` and trims the heap top once 128 KiB–64 MiB is free, so each step faulted in
    /// and zeroed fresh pages again (2.2% of an AAE step's profile, about 2 ms). Blocks up
    /// to 32 MiB (glibc's limit for this setting) now stay in the heap and are reused.
    ///
    /// It also makes OpenBLAS's idle threads sleep after ~0.1 ms (2¹⁸ cycles) instead of spinning
    /// for ~0.1 s after every product, which took a core from the optimizer and the elementwise
    /// work between products. `OPENBLAS_THREAD_TIMEOUT`, when set, is left as it is.
    public static func configure(threads: Int) {
        aelab_openblas_set_thread_timeout(18)
        BLAS.setThreads(threads)
        WorkerThreads.set(threads)
        keepFreedMemory()
    }

    /// Serves blocks up to 32 MiB from the heap and never trims it: memory freed by one step is
    /// reused by the next instead of being returned to the kernel and faulted in again.
    @discardableResult
    public static func keepFreedMemory() -> Bool { aelab_keep_freed_memory() != 0 }
}
