// zlib: inflate for HDF5's deflate filter, crc32 for zip members (named CDeflate
// so as not to clash with ZIPFoundation's own CZLib module).
#include <zlib.h>
