/* startup.c: process start-up cost of linking each library (dynamic loading + first-use init).
 * Built three ways by startup.sh: plain, with oneDNN (engine create), with XNNPACK (xnn_initialize). */
#include <stdio.h>
#if defined(USE_DNNL)
#include <oneapi/dnnl/dnnl.h>
#elif defined(USE_XNN)
#include <xnnpack.h>
#endif
int main(void) {
#if defined(USE_DNNL)
    dnnl_engine_t e; if (dnnl_engine_create(&e, dnnl_cpu, 0) != dnnl_success) return 1; dnnl_engine_destroy(e);
#elif defined(USE_XNN)
    if (xnn_initialize(NULL) != xnn_status_success) return 1;
#endif
    return 0;
}
