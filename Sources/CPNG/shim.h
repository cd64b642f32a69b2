// libpng. LayerLens reads PNGs with its simplified png_image_* API, which needs no
// setjmp; it writes reports with the full API through ll_png_write_rgb24 below,
// which keeps libpng's setjmp error handling in C, where it is safe.
#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

// The PNG stream being written: a malloc'd buffer that grows as libpng writes.
typedef struct {
    unsigned char *bytes;
    size_t count;
    size_t capacity;
} ll_png_buffer;

static void ll_png_append(png_structp png, png_bytep data, size_t length) {
    ll_png_buffer *buffer = (ll_png_buffer *)png_get_io_ptr(png);
    if (length > buffer->capacity - buffer->count) {
        size_t capacity = buffer->capacity ? buffer->capacity : 65536;
        while (length > capacity - buffer->count) capacity *= 2;
        unsigned char *bytes = realloc(buffer->bytes, capacity);
        if (bytes == NULL) png_error(png, "out of memory");
        buffer->bytes = bytes;
        buffer->capacity = capacity;
    }
    memcpy(buffer->bytes + buffer->count, data, length);
    buffer->count += length;
}

static void ll_png_flush(png_structp png) { (void)png; }

// Encodes Cairo's CAIRO_FORMAT_RGB24 pixels (a native-endian 32-bit 0x00RRGGBB word
// each, rows `stride` bytes apart) as an 8-bit RGB PNG with an sRGB chunk and fast
// compression: no row filter and zlib level 3, the settings of the simplified API's
// PNG_IMAGE_FLAG_FAST. libpng reads the 32-bit pixels as they are (png_set_filler
// drops the unused byte, png_set_bgr orders the rest); the simplified API takes only
// packed RGB, a converted copy of the whole picture. Returns 1 and the PNG in
// *png (malloc'd, the caller frees it) and *size, or 0 when libpng fails.
static inline int ll_png_write_rgb24(const unsigned char *pixels, png_uint_32 width, png_uint_32 height,
                                     size_t stride, unsigned char **png, size_t *size) {
    ll_png_buffer buffer = {NULL, 0, 0};
    png_structp writer = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = writer ? png_create_info_struct(writer) : NULL;
    if (info == NULL || setjmp(png_jmpbuf(writer))) {
        png_destroy_write_struct(&writer, &info);
        free(buffer.bytes);
        return 0;
    }
    png_set_write_fn(writer, &buffer, ll_png_append, ll_png_flush);
    png_set_IHDR(writer, info, width, height, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_sRGB(writer, info, PNG_sRGB_INTENT_PERCEPTUAL);
    png_set_filter(writer, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
    png_set_compression_level(writer, 3);
    png_write_info(writer, info);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    png_set_filler(writer, 0, PNG_FILLER_AFTER);  // B, G, R, unused in memory
    png_set_bgr(writer);
#else
    png_set_filler(writer, 0, PNG_FILLER_BEFORE);  // unused, R, G, B in memory
#endif
    for (png_uint_32 row = 0; row < height; row++) png_write_row(writer, pixels + row * stride);
    png_write_end(writer, NULL);
    png_destroy_write_struct(&writer, &info);
    *png = buffer.bytes;
    *size = buffer.count;
    return 1;
}

// Encodes 8-bit grey levels (rows packed, one byte each) as a grayscale PNG with one
// fixed row filter and zlib level `level`: the data atlases of the HTML reports,
// where Paeth prediction at a middle level compresses about as well as libpng's
// adaptive filter choice at level 6, in less time. Returns as ll_png_write_rgb24.
static inline int ll_png_write_gray8(const unsigned char *pixels, png_uint_32 width, png_uint_32 height,
                                     int filter, int level, unsigned char **png, size_t *size) {
    ll_png_buffer buffer = {NULL, 0, 0};
    png_structp writer = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = writer ? png_create_info_struct(writer) : NULL;
    if (info == NULL || setjmp(png_jmpbuf(writer))) {
        png_destroy_write_struct(&writer, &info);
        free(buffer.bytes);
        return 0;
    }
    png_set_write_fn(writer, &buffer, ll_png_append, ll_png_flush);
    png_set_IHDR(writer, info, width, height, 8, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_filter(writer, PNG_FILTER_TYPE_BASE, filter);
    png_set_compression_level(writer, level);
    png_write_info(writer, info);
    for (png_uint_32 row = 0; row < height; row++) png_write_row(writer, pixels + (size_t)row * width);
    png_write_end(writer, NULL);
    png_destroy_write_struct(&writer, &info);
    *png = buffer.bytes;
    *size = buffer.count;
    return 1;
}
