// libpng. LayerLens reads PNGs with its simplified png_image_* API, which needs no
// setjmp; it writes with the full API through ll_png_write below,
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

// Writes `height` rows of 8-bit pixels, `stride` bytes apart, as a PNG of `color_type`
// with one fixed row filter and zlib level `level`, into a malloc'd buffer. For
// PNG_COLOR_TYPE_RGB the rows are Cairo's CAIRO_FORMAT_RGB24 pixels (a native-endian
// 32-bit 0x00RRGGBB word each), read as they are: png_set_filler drops the unused
// byte and png_set_bgr orders the rest, so no packed copy is made; the picture gets
// an sRGB chunk. For PNG_COLOR_TYPE_GRAY they are one byte each. Keeps libpng's
// setjmp error handling in C. Returns 1 and the PNG in *png (the caller frees it)
// and *size, or 0 when libpng fails.
static inline int ll_png_write(const unsigned char *pixels, png_uint_32 width, png_uint_32 height, size_t stride,
                               int color_type, int filter, int level, unsigned char **png, size_t *size) {
    ll_png_buffer buffer = {NULL, 0, 0};
    png_structp writer = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = writer ? png_create_info_struct(writer) : NULL;
    if (info == NULL || setjmp(png_jmpbuf(writer))) {
        png_destroy_write_struct(&writer, &info);
        free(buffer.bytes);
        return 0;
    }
    png_set_write_fn(writer, &buffer, ll_png_append, ll_png_flush);
    png_set_IHDR(writer, info, width, height, 8, color_type, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (color_type == PNG_COLOR_TYPE_RGB) png_set_sRGB(writer, info, PNG_sRGB_INTENT_PERCEPTUAL);
    png_set_filter(writer, PNG_FILTER_TYPE_BASE, filter);
    png_set_compression_level(writer, level);
    png_write_info(writer, info);
    if (color_type == PNG_COLOR_TYPE_RGB) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        png_set_filler(writer, 0, PNG_FILLER_AFTER);  // B, G, R, unused in memory
        png_set_bgr(writer);
#else
        png_set_filler(writer, 0, PNG_FILLER_BEFORE);  // unused, R, G, B in memory
#endif
    }
    for (png_uint_32 row = 0; row < height; row++) png_write_row(writer, pixels + (size_t)row * stride);
    png_write_end(writer, NULL);
    png_destroy_write_struct(&writer, &info);
    *png = buffer.bytes;
    *size = buffer.count;
    return 1;
}

// A report: Cairo's RGB24 pixels with fast compression: no row filter and zlib
// level 2, which on the seed report took 1–2 ms (of 8–10) less than level 3
// (PNG_IMAGE_FLAG_FAST's choice) for a file 7% larger.
static inline int ll_png_write_rgb24(const unsigned char *pixels, png_uint_32 width, png_uint_32 height,
                                     size_t stride, unsigned char **png, size_t *size) {
    return ll_png_write(pixels, width, height, stride, PNG_COLOR_TYPE_RGB, PNG_FILTER_NONE, 2, png, size);
}

// The data atlases of the HTML reports: grey levels, rows packed, where one fixed
// filter (Paeth) at a middle level compresses about as well as libpng's adaptive
// filter choice at level 6, in less time.
static inline int ll_png_write_gray8(const unsigned char *pixels, png_uint_32 width, png_uint_32 height,
                                     int filter, int level, unsigned char **png, size_t *size) {
    return ll_png_write(pixels, width, height, width, PNG_COLOR_TYPE_GRAY, filter, level, png, size);
}
