#include "aelab_kernels.h"
#if defined(__GLIBC__) || defined(__linux__)
#include <malloc.h>
#endif

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

int aelab_openblas_set_thread_timeout(int exponent) {
    if (getenv("OPENBLAS_THREAD_TIMEOUT") != NULL) return 0;
    // Looked up at run time: the pthread build of OpenBLAS exports both, other builds may not.
    void (*read_env)(void) = (void (*)(void))dlsym(RTLD_DEFAULT, "openblas_read_env");
    int (*shutdown)(void) = (int (*)(void))dlsym(RTLD_DEFAULT, "blas_thread_shutdown_");
    if (read_env == NULL || shutdown == NULL) return 0;
    char value[16];
    snprintf(value, sizeof value, "%d", exponent);
    if (setenv("OPENBLAS_THREAD_TIMEOUT", value, 0) != 0) return 0;
    read_env();
    shutdown();
    return 1;
}

int aelab_keep_freed_memory(void) {
#if defined(M_MMAP_THRESHOLD) && defined(M_TRIM_THRESHOLD)
    return mallopt(M_MMAP_THRESHOLD, 32 << 20) && mallopt(M_TRIM_THRESHOLD, 0x7fffffff);
#else
    return 0;
#endif
}

// One binary serves every x86-64 CPU: the loader picks the widest clone the CPU runs.
#if defined(__x86_64__) && defined(__linux__)
#define AELAB_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define AELAB_CLONES
#endif

AELAB_CLONES
void aelab_adam_update(float *restrict p, const float *restrict g, float *restrict m, float *restrict v,
                       long count, float beta1, float beta2, float epsilon, float weightDecay,
                       float stepSize, float inverseRoot) {
    const float c1 = 1 - beta1, c2 = 1 - beta2;
    if (weightDecay != 0) {
        for (long j = 0; j < count; j++) {
            float gj = g[j] + weightDecay * p[j];
            float mj = beta1 * m[j] + c1 * gj;
            float vj = beta2 * v[j] + c2 * gj * gj;
            m[j] = mj;
            v[j] = vj;
            p[j] = p[j] - stepSize * mj / (__builtin_sqrtf(vj) * inverseRoot + epsilon);
        }
    } else {
        for (long j = 0; j < count; j++) {
            float gj = g[j];
            float mj = beta1 * m[j] + c1 * gj;
            float vj = beta2 * v[j] + c2 * gj * gj;
            m[j] = mj;
            v[j] = vj;
            p[j] = p[j] - stepSize * mj / (__builtin_sqrtf(vj) * inverseRoot + epsilon);
        }
    }
}


// exp(x) for x ≤ 0 (and NaN, which it returns): 2^k · exp(r), k = round(x / ln 2), r = x − k·ln 2
// with ln 2 in two parts, exp(r) by its degree-6 Taylor polynomial; 0 below −87.3. k is rounded
// by adding and subtracting 1.5·2^23, which leaves k in the low bits of the sum: only float
// arithmetic and integer bit operations, so every vector width gives the same bits.
static inline float exp_nonpositive(float x) {
    const float magic = 12582912.0f;
    float xc = x < -87.3f ? -87.3f : x;
    float shifted = xc * 1.44269504f + magic;
    float k = shifted - magic;
    float r = xc - k * 0.693145751953125f;
    r = r - k * 1.428606765330187e-06f;
    float p = 1.0f / 720;
    p = p * r + 1.0f / 120;
    p = p * r + 1.0f / 24;
    p = p * r + 1.0f / 6;
    p = p * r + 0.5f;
    p = p * r + 1;
    p = p * r + 1;
    union { float f; unsigned u; } s, m = { .f = magic };
    s.f = shifted;
    union { unsigned u; float f; } scale = { .u = ((s.u - m.u) + 127u) << 23 };
    float e = p * scale.f;
    return x < -87.3f ? 0.0f : e;
}

// log(1 + u) for u in [0, 1]: with 1 + u = 2^e·m, m in [√½, √2), log m = 2·atanh(s),
// s = (m − 1)/(m + 1) computed from u directly (u/(u + 2), or (u − 1)/(u + 3) when e = 1), so
// a tiny u keeps its relative precision; |s| ≤ 0.1716 and the odd series to s⁹ is within 1e-9.
static inline float log1p_unit(float u) {
    int big = u > 0.41421356f;
    float s = big ? (u - 1) / (u + 3) : u / (u + 2);
    float s2 = s * s;
    float poly = 1.0f / 9;
    poly = poly * s2 + 1.0f / 7;
    poly = poly * s2 + 1.0f / 5;
    poly = poly * s2 + 1.0f / 3;
    poly = poly * s2 + 1;
    float log_m = 2 * s * poly;
    return big ? 0.693147182f + log_m : log_m;
}

AELAB_CLONES
void aelab_bce_logits(const float *restrict logits, const float *restrict targets, float *restrict loss, long count) {
    for (long j = 0; j < count; j++) {
        float l = logits[j];
        float a = l < 0 ? -l : l;
        loss[j] = (l > 0 ? l : 0) - l * targets[j] + log1p_unit(exp_nonpositive(-a));
    }
}

AELAB_CLONES
void aelab_bce_logits_gradient(const float *restrict dy, const float *restrict logits, const float *restrict targets,
                               float *restrict dx, long count) {
    for (long j = 0; j < count; j++) {
        float l = logits[j];
        float a = l < 0 ? -l : l;
        float u = exp_nonpositive(-a);
        float sigmoid = l >= 0 ? 1 / (1 + u) : u / (1 + u);
        dx[j] = dy[j] * (sigmoid - targets[j]);
    }
}

// ---- Convolutions lowered onto one matrix product, and per-channel statistics (NCHW) ----

// Where each column entry of one image plane comes from, as offsets into the plane padded by
// `padding` zeros on every side (padded_width = width + 2·padding): entry
// [(ki·kernel + kj)·out_plane + oy·out_width + ox] is (oy·stride + ki)·padded_width + ox·stride + kj.
// With the padding made explicit, im2col is a plain gather and col2im a plain scatter-add.
static int *padded_offsets(long kernel, long stride, long padded_width, long out_height, long out_width) {
    int *table = malloc(sizeof(int) * (size_t)(kernel * kernel * out_height * out_width));
    if (table == NULL) abort();
    int *t = table;
    for (long ki = 0; ki < kernel; ki++)
        for (long kj = 0; kj < kernel; kj++)
            for (long oy = 0; oy < out_height; oy++)
                for (long ox = 0; ox < out_width; ox++)
                    *t++ = (int)((oy * stride + ki) * padded_width + ox * stride + kj);
    return table;
}

AELAB_CLONES
void aelab_im2col(const float *restrict image, long batch, long channels, long height, long width,
                  long kernel, long stride, long padding, long out_height, long out_width,
                  long n_begin, long n_end, float *restrict columns) {
    const long plane = height * width, out_plane = out_height * out_width, row_length = batch * out_plane;
    const long padded_width = width + 2 * padding, kk = kernel * kernel;
    int *restrict table = padded_offsets(kernel, stride, padded_width, out_height, out_width);
    // One image plane at a time, padded (its border stays 0), then gathered into its k² rows.
    float *restrict padded = calloc((size_t)((height + 2 * padding) * padded_width), sizeof(float));
    if (padded == NULL) abort();
    for (long n = n_begin; n < n_end; n++) {
        for (long c = 0; c < channels; c++) {
            const float *restrict src = image + (n * channels + c) * plane;
            for (long y = 0; y < height; y++)
                __builtin_memcpy(padded + (y + padding) * padded_width + padding, src + y * width, sizeof(float) * (size_t)width);
            for (long r = 0; r < kk; r++) {
                float *restrict dst = columns + (c * kk + r) * row_length + n * out_plane;
                const int *restrict offsets = table + r * out_plane;
                for (long i = 0; i < out_plane; i++) dst[i] = padded[offsets[i]];
            }
        }
    }
    free(padded);
    free(table);
}

AELAB_CLONES
void aelab_col2im(const float *restrict columns, long batch, long channels, long height, long width,
                  long kernel, long stride, long padding, long out_height, long out_width,
                  const float *restrict bias, long n_begin, long n_end, float *restrict image) {
    const long plane = height * width, out_plane = out_height * out_width, row_length = batch * out_plane;
    const long padded_width = width + 2 * padding, padded_plane = (height + 2 * padding) * padded_width;
    const long kk = kernel * kernel;
    int *restrict table = padded_offsets(kernel, stride, padded_width, out_height, out_width);
    float *restrict padded = malloc(sizeof(float) * (size_t)padded_plane);
    if (padded == NULL) abort();
    for (long n = n_begin; n < n_end; n++) {
        for (long c = 0; c < channels; c++) {
            // Sums into the padded plane (what lands in the border is dropped), then its interior out.
            for (long i = 0; i < padded_plane; i++) padded[i] = 0;
            for (long r = 0; r < kk; r++) {
                const float *restrict src = columns + (c * kk + r) * row_length + n * out_plane;
                const int *restrict offsets = table + r * out_plane;
                for (long i = 0; i < out_plane; i++) padded[offsets[i]] += src[i];
            }
            const float initial = bias ? bias[c] : 0;
            float *restrict dst = image + (n * channels + c) * plane;
            for (long y = 0; y < height; y++) {
                const float *restrict row = padded + (y + padding) * padded_width + padding;
                for (long x = 0; x < width; x++) dst[y * width + x] = initial + row[x];
            }
        }
    }
    free(padded);
    free(table);
}

AELAB_CLONES
void aelab_swap_leading_axes(const float *restrict src, long a, long b, long inner, const float *restrict bias,
                             long j_begin, long j_end, float *restrict dst) {
    for (long j = j_begin; j < j_end; j++) {
        for (long i = 0; i < a; i++) {
            const float *restrict s = src + (i * b + j) * inner;
            float *restrict d = dst + (j * a + i) * inner;
            if (bias) {
                const float add = bias[i];
                for (long t = 0; t < inner; t++) d[t] = s[t] + add;
            } else {
                for (long t = 0; t < inner; t++) d[t] = s[t];
            }
        }
    }
}

// Sums with eight double accumulators: vectorised (without reassociating float sums), accurate.
static inline double sum_run(const float *restrict x, long count) {
    double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    long i = 0;
    for (; i + 8 <= count; i += 8)
        for (int k = 0; k < 8; k++) acc[k] += (double)x[i + k];
    double s = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
    for (; i < count; i++) s += (double)x[i];
    return s;
}

static inline double centred_squares_run(const float *restrict x, float mean, long count) {
    double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    long i = 0;
    for (; i + 8 <= count; i += 8)
        for (int k = 0; k < 8; k++) {
            double d = (double)(x[i + k] - mean);
            acc[k] += d * d;
        }
    double s = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
    for (; i < count; i++) {
        double d = (double)(x[i] - mean);
        s += d * d;
    }
    return s;
}

static inline double centred_dot_run(const float *restrict dy, const float *restrict x, float mean, long count) {
    double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    long i = 0;
    for (; i + 8 <= count; i += 8)
        for (int k = 0; k < 8; k++) acc[k] += (double)dy[i + k] * (double)(x[i + k] - mean);
    double s = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
    for (; i < count; i++) s += (double)dy[i] * (double)(x[i] - mean);
    return s;
}

AELAB_CLONES
void aelab_channel_sums(const float *restrict x, long batch, long channels, long inner, long c_begin, long c_end,
                        const float *restrict mean, double *restrict sum, double *restrict centred) {
    for (long c = c_begin; c < c_end; c++) {
        double s = 0, q = 0;
        for (long n = 0; n < batch; n++) {
            const float *restrict p = x + (n * channels + c) * inner;
            if (sum) s += sum_run(p, inner);
            if (centred) q += centred_squares_run(p, mean[c], inner);
        }
        if (sum) sum[c] = s;
        if (centred) centred[c] = q;
    }
}

AELAB_CLONES
void aelab_channel_dot_centred(const float *restrict dy, const float *restrict x, const float *restrict mean,
                               long batch, long channels, long inner, long c_begin, long c_end,
                               double *restrict sum_dy, double *restrict dot) {
    for (long c = c_begin; c < c_end; c++) {
        double s = 0, d = 0;
        for (long n = 0; n < batch; n++) {
            const long offset = (n * channels + c) * inner;
            s += sum_run(dy + offset, inner);
            d += centred_dot_run(dy + offset, x + offset, mean[c], inner);
        }
        sum_dy[c] = s;
        dot[c] = d;
    }
}

AELAB_CLONES
void aelab_channel_affine(const float *restrict x, const float *restrict scale, const float *restrict shift,
                          long batch, long channels, long inner, long c_begin, long c_end, float *restrict y) {
    for (long n = 0; n < batch; n++) {
        for (long c = c_begin; c < c_end; c++) {
            const long offset = (n * channels + c) * inner;
            const float a = scale[c], b = shift ? shift[c] : 0;
            for (long i = 0; i < inner; i++) y[offset + i] = x[offset + i] * a + b;
        }
    }
}

AELAB_CLONES
void aelab_batch_norm_input_gradient(const float *restrict dy, const float *restrict x, const float *restrict mean,
                                     const float *restrict mean_dy, const float *restrict k,
                                     const float *restrict scale, long batch, long channels, long inner,
                                     long c_begin, long c_end, float *restrict dx) {
    for (long n = 0; n < batch; n++) {
        for (long c = c_begin; c < c_end; c++) {
            const long offset = (n * channels + c) * inner;
            const float m = mean[c], g = mean_dy[c], kc = k[c], a = scale[c];
            for (long i = 0; i < inner; i++)
                dx[offset + i] = (dy[offset + i] - g - (x[offset + i] - m) * kc) * a;
        }
    }
}
