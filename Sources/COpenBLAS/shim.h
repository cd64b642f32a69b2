// OpenBLAS's CBLAS interface and its thread control. Debian's libopenblas-dev puts
// this header and the static library (libopenblas.a, linked by the module map) on
// the default search paths. Linked statically because the shared library makes the
// dynamic loader resolve ~14,000 symbols of its per-CPU kernel tables at every
// start (~2 ms) and loads libgfortran and libquadmath, which sgemm never calls.
#include <cblas.h>

// Stops OpenBLAS's thread pool (exported by the pthread build, not declared in cblas.h).
int blas_thread_shutdown_(void);
