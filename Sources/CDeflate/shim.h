// zlib's inflate, for HDF5's deflate filter (named CDeflate so as not to clash
// with ZIPFoundation's own CZLib module).
#include <zlib.h>
