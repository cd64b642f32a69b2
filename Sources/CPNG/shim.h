// libpng; LayerLens uses its simplified png_image_* API, which needs no setjmp.
#include <png.h>

// PNG_IMAGE_PNG_SIZE_MAX is a macro Swift cannot import: libpng's upper bound on
// the PNG stream of `image`, so it can be written in one pass.
static inline png_alloc_size_t ll_png_image_png_size_max(const png_image *image) { return PNG_IMAGE_PNG_SIZE_MAX(*image); }
