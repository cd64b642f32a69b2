// OpenBLAS's CBLAS interface and its thread control.
#include <cblas.h>
