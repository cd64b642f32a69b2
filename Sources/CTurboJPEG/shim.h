// libjpeg-turbo's TurboJPEG API (version 2.1: tjDecompress2, no tj3 functions).
#include <turbojpeg.h>
