#ifndef AELAB_KERNELS_H
#define AELAB_KERNELS_H

/// Adam's elementwise rule over `count` elements, in place on p, m and v:
///   g' = g + weightDecay·p (when weightDecay ≠ 0)
///   m  = beta1·m + (1−beta1)·g'
///   v  = beta2·v + (1−beta2)·g'·g'
///   p  = p − (stepSize·m) / (√v·inverseRoot + epsilon)
/// evaluated in exactly this order, without fused multiply-adds, so the result is the same
/// bits as the scalar formula whatever vector width the CPU offers. (Swift cannot vectorise
/// a square root on Linux: Float.squareRoot keeps an errno fallback, and SIMD16.squareRoot
/// calls sqrtf lane by lane, which made Adam compute-bound at a third of memory speed.)
void aelab_adam_update(float *p, const float *g, float *m, float *v, long count,
                       float beta1, float beta2, float epsilon, float weightDecay,
                       float stepSize, float inverseRoot);

/// glibc: serve blocks up to 32 MiB from the heap and never trim it, so memory a training step
/// frees is reused by the next one instead of being unmapped and faulted in (zeroed) again.
/// Returns 0 when the C library refused a setting (or is not glibc).
int aelab_keep_freed_memory(void);

/// OpenBLAS's idle worker threads spin (sched_yield) for 2^28 cycles (~0.1 s) after each
/// product before they sleep, taking a core from whatever runs between products: measured, Adam
/// after a backward pass took 5.1–6.0 ms instead of 2.8–3.2. This shortens the spin to
/// 2^exponent cycles (4 … 30) by setting OPENBLAS_THREAD_TIMEOUT, re-reading OpenBLAS's
/// environment and restarting its threads (they restart at the next OpenBLAS call, e.g.
/// openblas_set_num_threads). Does nothing and returns 0 when the variable is already set (the
/// user's choice stands) or this OpenBLAS lacks the entry points (e.g. its OpenMP build).
int aelab_openblas_set_thread_timeout(int exponent);

/// Binary cross-entropy on logits, elementwise: loss = max(l, 0) − l·t + log(1 + e^(−|l|)), exact
/// for large |l| (no overflow), within a few ulp of the Double formula (exp and log1p are
/// polynomials here, vectorised; glibc's expf and log1pf are scalar calls). NaN in, NaN out.
void aelab_bce_logits(const float *logits, const float *targets, float *loss, long count);

/// Its gradient: dx = dy · (sigmoid(l) − t), the sigmoid from the same e^(−|l|).
void aelab_bce_logits_gradient(const float *dy, const float *logits, const float *targets, float *dx, long count);

#endif
