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

// ---- Convolutions lowered onto one matrix product, and per-channel statistics (NCHW) ----
//
// Geometry: a convolution with a square kernel k, stride s and zero padding p over images
// [batch, channels, height, width] has outputs [out_height, out_width]. Its column matrix is
// [channels·k·k, batch·out_height·out_width]: row (c·k + ki)·k + kj, column (n·out_height + oy)·out_width + ox
// holds image[n, c, oy·s − p + ki, ox·s − p + kj] (0 in the padding). The functions below handle
// the images n_begin ..< n_end only, so callers can split a batch over threads.

/// columns = im2col(image), for the images n_begin ..< n_end (their columns, every row).
void aelab_im2col(const float *image, long batch, long channels, long height, long width,
                  long kernel, long stride, long padding, long out_height, long out_width,
                  long n_begin, long n_end, float *columns);

/// image = col2im(columns) (+ bias[c] when bias is not NULL), for the images n_begin ..< n_end:
/// every element of image[n, c] is written, as bias[c] (or 0) plus the sum of the column
/// entries that im2col would read from it (the adjoint of im2col).
void aelab_col2im(const float *columns, long batch, long channels, long height, long width,
                  long kernel, long stride, long padding, long out_height, long out_width,
                  const float *bias, long n_begin, long n_end, float *image);

/// dst[j, i, :] = src[i, j, :] (+ bias[i] when bias is not NULL), src [a, b, inner], dst [b, a, inner],
/// for j in j_begin ..< j_end.
void aelab_swap_leading_axes(const float *src, long a, long b, long inner, const float *bias,
                             long j_begin, long j_end, float *dst);

/// For x [batch, channels, inner] and channels c_begin ..< c_end: sum[c] = Σ x[:, c, :], and when
/// centred is not NULL (with mean), centred[c] = Σ (x[:, c, :] − mean[c])² (double accumulation).
void aelab_channel_sums(const float *x, long batch, long channels, long inner, long c_begin, long c_end,
                        const float *mean, double *sum, double *centred);

/// For channels c_begin ..< c_end: sum_dy[c] = Σ dy[:, c, :], dot[c] = Σ dy·(x − mean[c]).
void aelab_channel_dot_centred(const float *dy, const float *x, const float *mean, long batch, long channels,
                               long inner, long c_begin, long c_end, double *sum_dy, double *dot);

/// y[:, c, :] = x[:, c, :]·scale[c] + shift[c] (shift NULL: 0), for channels c_begin ..< c_end.
void aelab_channel_affine(const float *x, const float *scale, const float *shift, long batch, long channels,
                          long inner, long c_begin, long c_end, float *y);

/// Batch norm's input gradient in training, as PyTorch's CPU kernel computes it:
/// dx = (dy − mean_dy[c] − (x − mean[c])·k[c])·scale[c], for channels c_begin ..< c_end.
void aelab_batch_norm_input_gradient(const float *dy, const float *x, const float *mean, const float *mean_dy,
                                     const float *k, const float *scale, long batch, long channels, long inner,
                                     long c_begin, long c_end, float *dx);

#endif
