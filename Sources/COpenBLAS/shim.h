// OpenBLAS's CBLAS interface. Debian's libopenblas-serial-dev puts this header on the
// default search path; Package.swift links its static library (libopenblas.a of the
// single-threaded build) by path. Linked statically because the shared library makes
// the dynamic loader resolve ~14,000 symbols of its per-CPU kernel tables at every
// start (~2 ms) and loads libgfortran and libquadmath, which sgemm never calls.
#include <cblas.h>
