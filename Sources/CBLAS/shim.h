#include <cblas.h>
#include <lapacke.h>
/* OpenBLAS run-time thread control (declared in OpenBLAS's cblas.h too). */
void openblas_set_num_threads(int num_threads);
