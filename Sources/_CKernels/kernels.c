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

