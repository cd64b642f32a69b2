// LayerLens's element-wise kernels, in C so that they run on the machine's widest
// vectors: Swift compiles for the baseline x86-64 (SSE2) and has no per-function
// target attribute, while clang's target_clones builds each loop for AVX-512, AVX2
// and the baseline and picks one at load time. Each loop matches the Swift code it
// replaces element for element (same formulas, NaN handling, rounding), and the
// tests hold each against a naive Swift twin.
#ifndef LAYERLENS_CKERNELS_H
#define LAYERLENS_CKERNELS_H

/// y[i] = x[i] > 0 ? x[i] : 0, NaN kept.
void ll_relu(const float *x, float *y, long n);
/// y[i] = clamp(x[i], 0, max_value), NaN kept.
void ll_relu_clamped(const float *x, float *y, long n, float max_value);
/// y[i] = 1 / (1 + e^-x[i]), as ll_sigmoid1.
void ll_sigmoid(const float *x, float *y, long n);
/// y[i] = x[i] · sigmoid(x[i]).
void ll_swish(const float *x, float *y, long n);

/// e^x in Float: Cephes's expf polynomial, within 2 ulp of libm's for normal results,
/// 0 below −87.34, +∞ above 88.72, NaN kept.
float ll_exp(float x);
/// 1 / (1 + e^−x) without overflow: with e = e^−|x|, 1 / (1 + e) for x ≥ 0 and e / (1 + e) below.
float ll_sigmoid1(float x);

/// y = x · scale[c] + shift[c] in double, rounded once, over `positions` rows of `channels` values.
void ll_affine_channels(const float *x, float *y, long positions, long channels, const double *scale, const double *shift);

/// out[i] += a[i] · w[i].
void ll_multiply_add(float *out, const float *a, const float *w, long n);

/// The binary operations ll_binary runs.
enum ll_binary_operation { LL_ADD, LL_SUBTRACT, LL_MULTIPLY, LL_DIVIDE };
/// out[i] = a[i · stride_a] op b[i · stride_b], each stride 0 (broadcast) or 1.
void ll_binary(enum ll_binary_operation operation, const float *a, long stride_a, const float *b, long stride_b, float *out, long n);

/// For each of `rows` rows of `units` values, in order: sums[u] += x, squares[u] += x·x
/// (x widened to double) and positive[u] += (x > 0); eval's per-unit statistics.
void ll_accumulate_rows(const float *values, long rows, long units, double *sums, double *squares, long *positive);

/// The sizes of a grouped 2-D convolution of an NHWC batch, for ll_gather_patches.
struct ll_convolution_geometry {
    long height, width, channels, output_height, output_width;
    long kernel_height, kernel_width, group_channels, groups;
    long row_stride, row_dilation, row_pad, column_stride, column_dilation, column_pad;
};

/// im2col: the receptive fields of output positions first..<first + count (numbered
/// across the batch) for channel group `group`, one row of kernel_height · kernel_width ·
/// group_channels values each, in the kernel's (ky, kx, c) order; outside the input, 0.
void ll_gather_patches(const struct ll_convolution_geometry *geometry, const float *source, float *patches,
                       long first, long count, long group);

/// Each of `rows` rows of `width` values set to `row`: a bias broadcast over positions.
void ll_fill_rows(float *target, long rows, const float *row, long width);

/// One output row of 2-D max or average pooling over an NHWC sample `sample`
/// (height × width × channels): windows of input rows y_start..<y_end and, for output
/// column ox, input columns from ox · column_stride − column_pad, column_window wide,
/// clipped to the input. A maximum keeps a NaN once met; a mean divides the sum by
/// the window's size inside the input.
void ll_pool_row(float *out, const float *sample, long width, long channels, long y_start, long y_end,
                 long output_columns, long column_stride, long column_pad, long column_window, int is_max);

#endif
