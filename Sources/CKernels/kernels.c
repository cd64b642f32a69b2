#include "CKernels.h"
#include <string.h>

// No fused multiply-adds: every clone rounds each product and sum as the baseline
// one and the Swift code do, so results do not depend on the machine.
#pragma STDC FP_CONTRACT OFF

// Each exported loop is built for AVX-512, AVX2 and the baseline; the loader picks one.
#define WIDEST __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#define INLINE static inline __attribute__((always_inline))

INLINE float exponential(float x) {
    float clamped = x < -87.33654f ? -87.33654f : (x > 88.72283f ? 88.72283f : x);
    // n = round(x / ln 2) by the 1.5·2²³ trick: no float → int conversion, undefined on NaN.
    const float magic = 12582912.0f;
    float n = clamped * 1.44269504f + magic - magic;
    float r = clamped - n * 0.693359375f + n * 2.1219444e-4f;
    float p = 1.98756915e-4f;
    p = p * r + 1.39819995e-3f;
    p = p * r + 8.3334519e-3f;
    p = p * r + 4.16657959e-2f;
    p = p * r + 1.66666655e-1f;
    p = p * r + 5.00000012e-1f;
    p = p * r * r + r + 1.0f;
    // 2^n as 2^(n − k) · 2^k, k = 1 for n > 0, so that both are finite for n from −126 to 128:
    // n − k + 127 goes in the exponent field, read from the low bits of n − k + 1.5·2²³.
    float k = n > 0 ? 1.0f : 0.0f;
    float shifted = n - k + magic;
    unsigned bits, magicBits;
    memcpy(&bits, &shifted, sizeof bits);
    memcpy(&magicBits, &magic, sizeof magicBits);
    unsigned scaleBits = (bits - magicBits + 127u) << 23;
    float scale;
    memcpy(&scale, &scaleBits, sizeof scale);
    float value = p * scale * (1.0f + k);
    return x < -87.33654f ? 0.0f : (x > 88.72283f ? __builtin_inff() : value);
}

INLINE float sigmoid(float x) {
    float e = exponential(-__builtin_fabsf(x));
    float positive = 1.0f / (1.0f + e);
    return x >= 0 ? positive : e * positive;
}

float ll_exp(float x) { return exponential(x); }
float ll_sigmoid1(float x) { return sigmoid(x); }

WIDEST void ll_relu(const float *x, float *y, long n) {
    for (long i = 0; i < n; i++) { float v = x[i]; y[i] = (v > 0 || v != v) ? v : 0.0f; }
}

WIDEST void ll_relu_clamped(const float *x, float *y, long n, float max_value) {
    for (long i = 0; i < n; i++) {
        float v = x[i];
        float low = v > 0 ? v : 0.0f;
        y[i] = v != v ? v : (low < max_value ? low : max_value);
    }
}

WIDEST void ll_sigmoid(const float *x, float *y, long n) {
    for (long i = 0; i < n; i++) y[i] = sigmoid(x[i]);
}

WIDEST void ll_swish(const float *x, float *y, long n) {
    for (long i = 0; i < n; i++) y[i] = x[i] * sigmoid(x[i]);
}

WIDEST void ll_affine_channels(const float *x, float *y, long positions, long channels, const double *scale, const double *shift) {
    for (long p = 0; p < positions; p++) {
        const float *row = x + p * channels;
        float *out = y + p * channels;
        for (long c = 0; c < channels; c++) out[c] = (float)((double)row[c] * scale[c] + shift[c]);
    }
}

WIDEST void ll_multiply_add(float *restrict out, const float *restrict a, const float *restrict w, long n) {
    for (long i = 0; i < n; i++) out[i] += a[i] * w[i];
}

// One operation over one pair of strides, each a constant at its call site below.
INLINE void binary(enum ll_binary_operation operation, const float *restrict a, long stride_a, const float *restrict b,
                   long stride_b, float *restrict out, long n) {
    for (long i = 0; i < n; i++) {
        float x = a[i * stride_a], y = b[i * stride_b];
        switch (operation) {
        case LL_ADD: out[i] = x + y; break;
        case LL_SUBTRACT: out[i] = x - y; break;
        case LL_MULTIPLY: out[i] = x * y; break;
        case LL_DIVIDE: out[i] = x / y; break;
        }
    }
}

INLINE void binaryStrides(enum ll_binary_operation operation, const float *a, long stride_a, const float *b, long stride_b,
                          float *out, long n) {
    if (stride_a == 1 && stride_b == 1) binary(operation, a, 1, b, 1, out, n);
    else if (stride_a == 1) binary(operation, a, 1, b, 0, out, n);
    else if (stride_b == 1) binary(operation, a, 0, b, 1, out, n);
    else binary(operation, a, 0, b, 0, out, n);
}

WIDEST void ll_binary(enum ll_binary_operation operation, const float *a, long stride_a, const float *b, long stride_b, float *out, long n) {
    switch (operation) {
    case LL_ADD: binaryStrides(LL_ADD, a, stride_a, b, stride_b, out, n); break;
    case LL_SUBTRACT: binaryStrides(LL_SUBTRACT, a, stride_a, b, stride_b, out, n); break;
    case LL_MULTIPLY: binaryStrides(LL_MULTIPLY, a, stride_a, b, stride_b, out, n); break;
    case LL_DIVIDE: binaryStrides(LL_DIVIDE, a, stride_a, b, stride_b, out, n); break;
    }
}

// Sixteen units' running sums, squares and positive counts stay in registers while
// a block of rows goes by, instead of being loaded and stored at every row: the
// loop was bound by those stores. Each unit still adds its rows in order, so the
// sums are the same as the plain loop's, bit for bit.
INLINE void accumulateStripe(const float *restrict values, long rows, long units, long first, long width,
                             double *restrict sums, double *restrict squares, long *restrict positive) {
    enum { stripe = 16 };
    double sum[stripe], square[stripe];
    long count[stripe];
    for (long u = 0; u < width; u++) { sum[u] = sums[first + u]; square[u] = squares[first + u]; count[u] = positive[first + u]; }
    for (long r = 0; r < rows; r++) {
        const float *row = values + r * units + first;
        for (long u = 0; u < width; u++) {
            double wide = (double)row[u];
            sum[u] += wide;
            square[u] += wide * wide;
            count[u] += row[u] > 0;
        }
    }
    for (long u = 0; u < width; u++) { sums[first + u] = sum[u]; squares[first + u] = square[u]; positive[first + u] = count[u]; }
}

WIDEST void ll_accumulate_rows(const float *restrict values, long rows, long units, double *restrict sums,
                               double *restrict squares, long *restrict positive) {
    // Rows in blocks small enough to stay in the L1 cache across the stripes.
    const long blockBytes = 16 << 10;
    long blockRows = blockBytes / (long)sizeof(float) / (units > 0 ? units : 1);
    if (blockRows < 1) blockRows = 1;
    for (long start = 0; start < rows; start += blockRows) {
        long count = rows - start < blockRows ? rows - start : blockRows;
        const float *block = values + start * units;
        long first = 0;
        for (; first + 16 <= units; first += 16) accumulateStripe(block, count, units, first, 16, sums, squares, positive);
        if (first < units) accumulateStripe(block, count, units, first, units - first, sums, squares, positive);
    }
}

// Short runs (a kernel row of a 1-channel image, a bias of 16 filters) are copied
// in a loop that clang vectorises; a call to memcpy costs more than the copy at
// that size. no_builtin keeps clang from turning the loop back into that call.
#define SHORT_COPIES __attribute__((no_builtin("memcpy", "memset", "memmove")))
enum { shortRun = 64 };

INLINE SHORT_COPIES void copyFloats(float *restrict target, const float *restrict source, long count) {
    if (count > shortRun) { memcpy(target, source, (size_t)count * sizeof(float)); return; }
    for (long i = 0; i < count; i++) target[i] = source[i];
}

INLINE SHORT_COPIES void zeroFloats(float *restrict target, long count) {
    for (long i = 0; i < count; i++) target[i] = 0;
}

WIDEST SHORT_COPIES void ll_gather_patches(const struct ll_convolution_geometry *g, const float *restrict source,
                                           float *restrict patches, long first, long count, long group) {
    const long outputSize = g->output_height * g->output_width;
    // One group and no column dilation: a kernel row inside the input is one run of KW·C values.
    const int contiguousRows = g->groups == 1 && g->column_dilation == 1;
    const long runLength = g->kernel_width * g->channels;
    float *target = patches;
    // The position's sample, output row and column, stepped along instead of divided out each time.
    long n = first / outputSize, oy = (first / g->output_width) % g->output_height, ox = first % g->output_width;
    for (long step = 0; step < count; step++, ox++) {
        if (ox == g->output_width) {
            ox = 0;
            if (++oy == g->output_height) { oy = 0; n++; }
        }
        long x0 = ox * g->column_stride - g->column_pad;
        for (long ky = 0; ky < g->kernel_height; ky++) {
            long y = oy * g->row_stride + ky * g->row_dilation - g->row_pad;
            const int rowInside = y >= 0 && y < g->height;
            // Only formed for a row inside the input: a pointer outside the array is undefined in C.
            const float *inputRow = rowInside ? source + (n * g->height + y) * g->width * g->channels : source;
            if (contiguousRows && rowInside && x0 >= 0 && x0 + g->kernel_width <= g->width) {
                copyFloats(target, inputRow + x0 * g->channels, runLength);
                target += runLength;
                continue;
            }
            for (long kx = 0; kx < g->kernel_width; kx++) {
                long x = x0 + kx * g->column_dilation;
                if (rowInside && x >= 0 && x < g->width) {
                    copyFloats(target, inputRow + x * g->channels + group * g->group_channels, g->group_channels);
                } else {
                    zeroFloats(target, g->group_channels);
                }
                target += g->group_channels;
            }
        }
    }
}

WIDEST SHORT_COPIES void ll_fill_rows(float *restrict target, long rows, const float *restrict row, long width) {
    for (long r = 0; r < rows; r++) copyFloats(target + r * width, row, width);
}

WIDEST SHORT_COPIES void ll_pool_row(float *restrict out, const float *restrict sample, long width, long channels, long y_start,
                                     long y_end, long output_columns, long column_stride, long column_pad, long column_window,
                                     int is_max) {
    for (long ox = 0; ox < output_columns; ox++) {
        long x_start = ox * column_stride - column_pad, x_end = x_start + column_window;
        if (x_start < 0) x_start = 0;
        if (x_end > width) x_end = width;
        float *target = out + ox * channels;
        for (long c = 0; c < channels; c++) target[c] = is_max ? -__builtin_inff() : 0.0f;
        for (long y = y_start; y < y_end; y++) {
            for (long x = x_start; x < x_end; x++) {
                const float *values = sample + (y * width + x) * channels;
                if (is_max) {
                    // A NaN, once met, stays: it is taken and nothing compares above it.
                    for (long c = 0; c < channels; c++) {
                        float v = values[c], current = target[c];
                        target[c] = (v > current || v != v) ? v : current;
                    }
                } else {
                    for (long c = 0; c < channels; c++) target[c] += values[c];
                }
            }
        }
        if (!is_max) {
            long size = (y_end - y_start) * (x_end - x_start);
            float divisor = (float)(size > 1 ? size : 1);
            for (long c = 0; c < channels; c++) target[c] /= divisor;
        }
    }
}
