#include <cblas.h>
/* OpenBLAS extras: the thread count, and the kernel family it chose at load time. */
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
char *openblas_get_corename(void);
char *openblas_get_config(void);
