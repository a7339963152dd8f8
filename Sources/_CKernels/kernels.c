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
