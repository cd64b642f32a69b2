// libpng; LayerLens uses its simplified png_image_* API, which needs no setjmp.
#include <png.h>
