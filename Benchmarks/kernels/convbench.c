/* convbench.c: time one float32 NHWC Conv2D / DepthwiseConv2D forward pass with
 *   blas   : im2col + OpenBLAS cblas_sgemm (what LayerLens does: tiles of 2048 output
 *            positions, openblas_set_num_threads(1)); depthwise: a plain C loop
 *            vectorised over channels ("own kernel").  With 2 threads the output
 *            positions are split in two halves, one per OpenMP thread (hypothetical:
 *            LayerLens today runs each convolution on one thread).
 *   dnnl   : oneDNN C API, weights format "any" (reordered once, outside the timing).
 *            "dnnl-any": src/dst also "any"; reports the convolution alone and the
 *            convolution plus the NHWC->chosen src reorder and chosen dst->NHWC reorder.
 *            "dnnl-nhwc": src/dst forced to plain NHWC (no reorders needed).
 *            "dnnl-blk16": src/dst forced to blocked nChw16c, timed with and without the reorders.
 *   xnn    : XNNPACK xnn_create_convolution2d_nhwc_f32, setup+run timed together
 *            (LayerLens would call setup every time, since buffers change).
 * Every output is compared with a double-precision direct convolution.
 *
 * Usage: convbench [-t threads] [-r reps] [-i impl[,impl...]] [-l layer[,layer...]] [-n 1|8|both]
 * Output: one tab-separated line per measurement (see header line).
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <omp.h>
#include <cblas.h>
#include <oneapi/dnnl/dnnl.h>
#include <xnnpack.h>
#include <pthreadpool.h>

extern void openblas_set_num_threads(int);

typedef struct {
    const char *name;
    int h, w, c;      /* input (already zero-padded for the stem, as Keras' ZeroPadding2D does) */
    int kh, kw, f;    /* kernel; f = filters (ignored for depthwise: f = c) */
    int s;            /* stride */
    int same;         /* 1 = Keras 'same', 0 = 'valid' */
    int depthwise;
} Layer;

static const Layer layers[] = {
    {"1 r50 3x3 s1 56x56x64->64", 56, 56, 64, 3, 3, 64, 1, 1, 0},
    {"2 r50 1x1 s1 56x56x64->256", 56, 56, 64, 1, 1, 256, 1, 1, 0},
    {"3 r50 stem 7x7 s2 230x230x3->64", 230, 230, 3, 7, 7, 64, 2, 0, 0},
    {"4 r50 3x3 s1 14x14x256->256", 14, 14, 256, 3, 3, 256, 1, 1, 0},
    {"5 r50 1x1 s2 56x56x256->512", 56, 56, 256, 1, 1, 512, 2, 0, 0},
    {"6 mnv2 dw3x3 s1 56x56x144", 56, 56, 144, 3, 3, 144, 1, 1, 1},
    {"7 mnv2 dw3x3 s2 112x112x96", 112, 112, 96, 3, 3, 96, 2, 1, 1},
    {"8 effb0 dw5x5 s1 14x14x480", 14, 14, 480, 5, 5, 480, 1, 1, 1},
};
#define NLAYERS ((int)(sizeof layers / sizeof layers[0]))

typedef struct { int oh, ow, pt, pb, pl, pr; } Geo;

static void geometry(const Layer *L, Geo *g) {
    if (L->same) {
        g->oh = (L->h + L->s - 1) / L->s; g->ow = (L->w + L->s - 1) / L->s;
        int th = (g->oh - 1) * L->s + L->kh - L->h; if (th < 0) th = 0;
        int tw = (g->ow - 1) * L->s + L->kw - L->w; if (tw < 0) tw = 0;
        g->pt = th / 2; g->pb = th - th / 2; g->pl = tw / 2; g->pr = tw - tw / 2;   /* TF/Keras: extra at the end */
    } else {
        g->oh = (L->h - L->kh) / L->s + 1; g->ow = (L->w - L->kw) / L->s + 1;
        g->pt = g->pb = g->pl = g->pr = 0;
    }
}

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + 1e-9 * t.tv_nsec; }
static int cmpd(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return (x > y) - (x < y); }
static double median(double *v, int n) { qsort(v, n, sizeof *v, cmpd); return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]); }

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static float urand(void) { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return (float)((rng >> 11) * (1.0 / 9007199254740992.0)) * 2.f - 1.f; }
static void *xalloc(size_t bytes) { void *p = NULL; if (posix_memalign(&p, 64, bytes ? bytes : 64)) { perror("alloc"); exit(1); } return p; }

/* ---------- reference (double) ---------- */
static void reference(const Layer *L, const Geo *g, int N, const float *in, const float *k, const float *b, float *out) {
    int F = L->depthwise ? L->c : L->f;
    #pragma omp parallel for collapse(2) schedule(dynamic)
    for (int n = 0; n < N; n++)
        for (int oy = 0; oy < g->oh; oy++)
            for (int ox = 0; ox < g->ow; ox++)
                for (int f = 0; f < F; f++) {
                    double s = b[f];
                    for (int ky = 0; ky < L->kh; ky++) {
                        int y = oy * L->s + ky - g->pt; if (y < 0 || y >= L->h) continue;
                        for (int kx = 0; kx < L->kw; kx++) {
                            int x = ox * L->s + kx - g->pl; if (x < 0 || x >= L->w) continue;
                            const float *ip = in + ((size_t)(n * L->h + y) * L->w + x) * L->c;
                            if (L->depthwise) s += (double)ip[f] * k[(ky * L->kw + kx) * L->c + f];
                            else for (int c = 0; c < L->c; c++) s += (double)ip[c] * k[((size_t)(ky * L->kw + kx) * L->c + c) * F + f];
                        }
                    }
                    out[((size_t)(n * g->oh + oy) * g->ow + ox) * F + f] = (float)s;
                }
}

/* ---------- (a) im2col + sgemm, as LayerLens ---------- */
#define TILE 2048
static void conv_blas_range(const Layer *L, const Geo *g, int N, const float *in, const float *k, const float *b, float *out,
                            float *patches, long p0, long p1) {
    int C = L->c, F = L->f, patch = L->kh * L->kw * C, hw = g->oh * g->ow;
    (void)N;
    for (long t0 = p0; t0 < p1; t0 += TILE) {
        int cnt = (int)(p1 - t0 < TILE ? p1 - t0 : TILE);
        for (int r = 0; r < cnt; r++) {
            long pos = t0 + r; int n = (int)(pos / hw), oy = (int)(pos / g->ow % g->oh), ox = (int)(pos % g->ow);
            float *col = patches + (size_t)r * patch;
            for (int ky = 0; ky < L->kh; ky++) {
                int y = oy * L->s + ky - g->pt, x0 = ox * L->s - g->pl;
                if (y >= 0 && y < L->h && x0 >= 0 && x0 + L->kw <= L->w) {
                    memcpy(col, in + ((size_t)(n * L->h + y) * L->w + x0) * C, sizeof(float) * L->kw * C);
                    col += L->kw * C; continue;
                }
                for (int kx = 0; kx < L->kw; kx++, col += C) {
                    int x = x0 + kx;
                    if (y >= 0 && y < L->h && x >= 0 && x < L->w) memcpy(col, in + ((size_t)(n * L->h + y) * L->w + x) * C, sizeof(float) * C);
                    else memset(col, 0, sizeof(float) * C);
                }
            }
        }
        float *tile = out + (size_t)t0 * F;
        for (int r = 0; r < cnt; r++) memcpy(tile + (size_t)r * F, b, sizeof(float) * F);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, cnt, F, patch, 1.f, patches, patch, k, F, 1.f, tile, F);
    }
}

/* Own depthwise kernel: rows [r0, r1) of all images; inner loop over channels vectorises. */
static void dw_own_rows(const Layer *L, const Geo *g, const float *in, const float *k, const float *b, float *out, long r0, long r1) {
    int C = L->c;
    for (long row = r0; row < r1; row++) {
        int n = (int)(row / g->oh), oy = (int)(row % g->oh);
        for (int ox = 0; ox < g->ow; ox++) {
            float *restrict o = out + ((size_t)(n * g->oh + oy) * g->ow + ox) * C;
            for (int c = 0; c < C; c++) o[c] = b[c];
            for (int ky = 0; ky < L->kh; ky++) {
                int y = oy * L->s + ky - g->pt; if (y < 0 || y >= L->h) continue;
                for (int kx = 0; kx < L->kw; kx++) {
                    int x = ox * L->s + kx - g->pl; if (x < 0 || x >= L->w) continue;
                    const float *restrict ip = in + ((size_t)(n * L->h + y) * L->w + x) * C;
                    const float *restrict kp = k + (size_t)(ky * L->kw + kx) * C;
                    for (int c = 0; c < C; c++) o[c] += ip[c] * kp[c];
                }
            }
        }
    }
}

static float *patch_buf[2];
static void run_blas(const Layer *L, const Geo *g, int N, const float *in, const float *k, const float *b, float *out, int T) {
    if (L->depthwise) {
        long rows = (long)N * g->oh;
        if (T == 1) dw_own_rows(L, g, in, k, b, out, 0, rows);
        else {
            #pragma omp parallel num_threads(T)
            { int t = omp_get_thread_num(), nt = omp_get_num_threads();
              dw_own_rows(L, g, in, k, b, out, rows * t / nt, rows * (t + 1) / nt); }
        }
        return;
    }
    long P = (long)N * g->oh * g->ow;
    if (T == 1) conv_blas_range(L, g, N, in, k, b, out, patch_buf[0], 0, P);
    else {
        #pragma omp parallel num_threads(T)
        { int t = omp_get_thread_num(), nt = omp_get_num_threads();
          conv_blas_range(L, g, N, in, k, b, out, patch_buf[t], P * t / nt, P * (t + 1) / nt); }
    }
}

/* ---------- (b) oneDNN ---------- */
#define DN(call) do { dnnl_status_t st_ = (call); if (st_ != dnnl_success) { fprintf(stderr, "%s:%d %s -> %d\n", __FILE__, __LINE__, #call, (int)st_); exit(2); } } while (0)
static dnnl_engine_t eng; static dnnl_stream_t strm;

typedef struct {
    dnnl_primitive_t conv, rin, rout;   /* rin/rout NULL if src/dst already NHWC */
    dnnl_memory_t usr_src, usr_dst, src, dst, wei, bia;
    const char *impl; char src_fmt[64], dst_fmt[64], wei_fmt[64];
    double create_s;
} Dnnl;

static void md_str(const dnnl_memory_desc_t *md, char *buf) {
    if (md->format_kind != dnnl_blocked) { strcpy(buf, "?"); return; }
    const dnnl_blocking_desc_t *bd = &md->format_desc.blocking;
    char *p = buf; p += sprintf(p, "strides");
    for (int i = 0; i < md->ndims; i++) p += sprintf(p, ":%ld", (long)bd->strides[i]);
    for (int i = 0; i < bd->inner_nblks; i++) p += sprintf(p, "|%ld%c", (long)bd->inner_blks[i], 'a' + (int)bd->inner_idxs[i]);
}

static void dnnl_make(Dnnl *d, const Layer *L, const Geo *g, int N, int any_act, float *in, const float *k, const float *b, float *out) {
    double t0 = now();
    int C = L->c, F = L->depthwise ? C : L->f, G = L->depthwise;
    dnnl_dims_t sd = {N, C, L->h, L->w}, dd = {N, F, g->oh, g->ow}, bd = {F};
    dnnl_dims_t wd_plain = {F, C, L->kh, L->kw}, wd_dw = {C, 1, 1, L->kh, L->kw};
    dnnl_memory_desc_t usr_src_md, usr_dst_md, usr_wei_md, bia_md, src_any, dst_any, wei_any;
    DN(dnnl_memory_desc_init_by_tag(&usr_src_md, 4, sd, dnnl_f32, dnnl_nhwc));
    DN(dnnl_memory_desc_init_by_tag(&usr_dst_md, 4, dd, dnnl_f32, dnnl_nhwc));
    DN(dnnl_memory_desc_init_by_tag(&bia_md, 1, bd, dnnl_f32, dnnl_x));
    if (G) { DN(dnnl_memory_desc_init_by_tag(&usr_wei_md, 5, wd_dw, dnnl_f32, dnnl_hwigo));
             DN(dnnl_memory_desc_init_by_tag(&wei_any, 5, wd_dw, dnnl_f32, dnnl_format_tag_any)); }
    else   { DN(dnnl_memory_desc_init_by_tag(&usr_wei_md, 4, wd_plain, dnnl_f32, dnnl_hwio));
             DN(dnnl_memory_desc_init_by_tag(&wei_any, 4, wd_plain, dnnl_f32, dnnl_format_tag_any)); }
    if (any_act) {   /* 1: let oneDNN choose; 2: force the blocked nChw16c layout (what older jit:avx512 paths use) */
        dnnl_format_tag_t t = any_act == 2 ? dnnl_nChw16c : dnnl_format_tag_any;
        DN(dnnl_memory_desc_init_by_tag(&src_any, 4, sd, dnnl_f32, t));
        DN(dnnl_memory_desc_init_by_tag(&dst_any, 4, dd, dnnl_f32, t));
    } else { src_any = usr_src_md; dst_any = usr_dst_md; }
    dnnl_dims_t strides = {L->s, L->s}, pl = {g->pt, g->pl}, pr = {g->pb, g->pr};
    dnnl_convolution_desc_t cd;
    DN(dnnl_convolution_forward_desc_init(&cd, dnnl_forward_inference, dnnl_convolution_direct, &src_any, &wei_any, &bia_md, &dst_any,
                                          strides, pl, pr));
    dnnl_primitive_desc_t pd;
    DN(dnnl_primitive_desc_create(&pd, &cd, NULL, eng, NULL));
    DN(dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &d->impl));
    const dnnl_memory_desc_t *src_md = dnnl_primitive_desc_query_md(pd, dnnl_query_src_md, 0);
    const dnnl_memory_desc_t *dst_md = dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0);
    const dnnl_memory_desc_t *wei_md = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
    md_str(src_md, d->src_fmt); md_str(dst_md, d->dst_fmt); md_str(wei_md, d->wei_fmt);
    DN(dnnl_primitive_create(&d->conv, pd));
    /* memories */
    DN(dnnl_memory_create(&d->usr_src, &usr_src_md, eng, in));
    DN(dnnl_memory_create(&d->usr_dst, &usr_dst_md, eng, out));
    DN(dnnl_memory_create(&d->bia, &bia_md, eng, (void *)b));
    d->rin = d->rout = NULL;
    if (dnnl_memory_desc_equal(src_md, &usr_src_md)) d->src = d->usr_src;
    else {
        DN(dnnl_memory_create(&d->src, src_md, eng, DNNL_MEMORY_ALLOCATE));
        dnnl_primitive_desc_t rpd; DN(dnnl_reorder_primitive_desc_create(&rpd, &usr_src_md, eng, src_md, eng, NULL));
        DN(dnnl_primitive_create(&d->rin, rpd)); dnnl_primitive_desc_destroy(rpd);
    }
    if (dnnl_memory_desc_equal(dst_md, &usr_dst_md)) d->dst = d->usr_dst;
    else {
        DN(dnnl_memory_create(&d->dst, dst_md, eng, DNNL_MEMORY_ALLOCATE));
        dnnl_primitive_desc_t rpd; DN(dnnl_reorder_primitive_desc_create(&rpd, dst_md, eng, &usr_dst_md, eng, NULL));
        DN(dnnl_primitive_create(&d->rout, rpd)); dnnl_primitive_desc_destroy(rpd);
    }
    /* weights: one-off reorder from Keras HWIO (or HWC1 for depthwise) into the chosen layout */
    dnnl_memory_t usr_wei;
    DN(dnnl_memory_create(&usr_wei, &usr_wei_md, eng, (void *)k));
    if (dnnl_memory_desc_equal(wei_md, &usr_wei_md)) d->wei = usr_wei;
    else {
        DN(dnnl_memory_create(&d->wei, wei_md, eng, DNNL_MEMORY_ALLOCATE));
        dnnl_primitive_desc_t rpd; dnnl_primitive_t r;
        DN(dnnl_reorder_primitive_desc_create(&rpd, &usr_wei_md, eng, wei_md, eng, NULL));
        DN(dnnl_primitive_create(&r, rpd));
        dnnl_exec_arg_t a[2] = {{DNNL_ARG_FROM, usr_wei}, {DNNL_ARG_TO, d->wei}};
        DN(dnnl_primitive_execute(r, strm, 2, a)); DN(dnnl_stream_wait(strm));
        dnnl_primitive_destroy(r); dnnl_primitive_desc_destroy(rpd); dnnl_memory_destroy(usr_wei);
    }
    /* impl string lives in pd; keep pd alive (leak, it's a benchmark) */
    d->create_s = now() - t0;
}

static void dnnl_conv_only(Dnnl *d) {
    dnnl_exec_arg_t a[4] = {{DNNL_ARG_SRC, d->src}, {DNNL_ARG_WEIGHTS, d->wei}, {DNNL_ARG_BIAS, d->bia}, {DNNL_ARG_DST, d->dst}};
    DN(dnnl_primitive_execute(d->conv, strm, 4, a)); DN(dnnl_stream_wait(strm));
}
static void dnnl_full(Dnnl *d) {
    if (d->rin) { dnnl_exec_arg_t a[2] = {{DNNL_ARG_FROM, d->usr_src}, {DNNL_ARG_TO, d->src}}; DN(dnnl_primitive_execute(d->rin, strm, 2, a)); }
    dnnl_exec_arg_t a[4] = {{DNNL_ARG_SRC, d->src}, {DNNL_ARG_WEIGHTS, d->wei}, {DNNL_ARG_BIAS, d->bia}, {DNNL_ARG_DST, d->dst}};
    DN(dnnl_primitive_execute(d->conv, strm, 4, a));
    if (d->rout) { dnnl_exec_arg_t r[2] = {{DNNL_ARG_FROM, d->dst}, {DNNL_ARG_TO, d->usr_dst}}; DN(dnnl_primitive_execute(d->rout, strm, 2, r)); }
    DN(dnnl_stream_wait(strm));
}

/* ---------- (c) XNNPACK ---------- */
static pthreadpool_t xpool;
static xnn_operator_t xnn_make(const Layer *L, const Geo *g, const float *k, const float *b, double *create_s) {
    double t0 = now();
    xnn_operator_t op = NULL; enum xnn_status st;
    if (L->depthwise) {
        st = xnn_create_convolution2d_nhwc_f32(g->pt, g->pr, g->pb, g->pl, L->kh, L->kw, L->s, L->s, 1, 1,
                                               L->c, 1, 1, L->c, L->c, k, b, -INFINITY, INFINITY, XNN_FLAG_DEPTHWISE_CONVOLUTION, &op);
    } else {
        /* XNNPACK wants OHWI; Keras stores HWIO. */
        int KK = L->kh * L->kw, C = L->c, F = L->f;
        float *ohwi = xalloc(sizeof(float) * (size_t)KK * C * F);
        for (int f = 0; f < F; f++) for (int q = 0; q < KK; q++) for (int c = 0; c < C; c++)
            ohwi[((size_t)f * KK + q) * C + c] = k[((size_t)q * C + c) * F + f];
        st = xnn_create_convolution2d_nhwc_f32(g->pt, g->pr, g->pb, g->pl, L->kh, L->kw, L->s, L->s, 1, 1,
                                               1, C, F, C, F, ohwi, b, -INFINITY, INFINITY, 0, &op);
        free(ohwi);   /* XNNPACK packs the weights at creation */
    }
    if (st != xnn_status_success) { fprintf(stderr, "xnn_create failed %d\n", st); exit(3); }
    *create_s = now() - t0;
    return op;
}
static void xnn_exec(xnn_operator_t op, const Layer *L, int N, const float *in, float *out) {
    if (xnn_setup_convolution2d_nhwc_f32(op, N, L->h, L->w, in, out, xpool) != xnn_status_success) { fprintf(stderr, "xnn_setup\n"); exit(3); }
    if (xnn_run_operator(op, xpool) != xnn_status_success) { fprintf(stderr, "xnn_run\n"); exit(3); }
}

/* ---------- driver ---------- */
static double max_rel_err(const float *y, const float *ref, size_t n) {
    double e = 0, m = 0;
    for (size_t i = 0; i < n; i++) { double d = fabs((double)y[i] - ref[i]); if (d > e || d != d) e = d; if (fabs(ref[i]) > m) m = fabs(ref[i]); }
    return e / m;
}

int main(int argc, char **argv) {
    int T = 1, reps = 15; const char *impls = "blas,dnnl-any,dnnl-nhwc,dnnl-blk16,xnn", *lsel = NULL, *nsel = "both";
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "-t")) T = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "-r")) reps = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "-i")) impls = argv[i + 1];
        else if (!strcmp(argv[i], "-l")) lsel = argv[i + 1];
        else if (!strcmp(argv[i], "-n")) nsel = argv[i + 1];
    }
    openblas_set_num_threads(1);
    omp_set_num_threads(T);            /* oneDNN (OpenMP runtime) reads this at primitive creation and execution */
    DN(dnnl_engine_create(&eng, dnnl_cpu, 0));
    DN(dnnl_stream_create(&strm, eng, dnnl_stream_default_flags));
    if (xnn_initialize(NULL) != xnn_status_success) { fprintf(stderr, "xnn_initialize failed\n"); return 3; }
    xpool = T > 1 ? pthreadpool_create(T) : NULL;  /* NULL = run on the calling thread */
    patch_buf[0] = xalloc(sizeof(float) * TILE * 3 * 3 * 256); patch_buf[1] = xalloc(sizeof(float) * TILE * 3 * 3 * 256);
    const dnnl_version_t *v = dnnl_version();
    fprintf(stderr, "oneDNN %d.%d.%d cpu_runtime=%u isa=%d threads=%d reps=%d\n", v->major, v->minor, v->patch, v->cpu_runtime,
            (int)dnnl_get_effective_cpu_isa(), T, reps);
    printf("layer\tN\timpl\tthreads\tms_median\tms_min\tGFLOPs\trel_err\tcreate_ms\tfirst_ms\tnote\n");
    int Ns[2] = {1, 8}, nN = 2;
    if (!strcmp(nsel, "1")) { nN = 1; } else if (!strcmp(nsel, "8")) { Ns[0] = 8; nN = 1; }
    for (int li = 0; li < NLAYERS; li++) {
        char key[8]; snprintf(key, sizeof key, "%d", li + 1);
        if (lsel) { char buf[64]; snprintf(buf, sizeof buf, ",%s,", lsel); char k2[10]; snprintf(k2, sizeof k2, ",%s,", key); if (!strstr(buf, k2)) continue; }
        const Layer *L = &layers[li]; Geo g; geometry(L, &g);
        int F = L->depthwise ? L->c : L->f;
        size_t ksz = L->depthwise ? (size_t)L->kh * L->kw * L->c : (size_t)L->kh * L->kw * L->c * L->f;
        int Nmax = Ns[nN - 1];
        size_t insz = (size_t)Nmax * L->h * L->w * L->c, outsz = (size_t)Nmax * g.oh * g.ow * F;
        float *in = xalloc(insz * 4), *k = xalloc(ksz * 4), *b = xalloc(F * 4), *out = xalloc(outsz * 4), *ref = xalloc(outsz * 4);
        float ks = 1.f / sqrtf((float)(L->kh * L->kw * (L->depthwise ? 1 : L->c)));
        for (size_t i = 0; i < insz; i++) in[i] = urand();
        for (size_t i = 0; i < ksz; i++) k[i] = urand() * ks;
        for (int i = 0; i < F; i++) b[i] = 0.1f * urand();
        reference(L, &g, Nmax, in, k, b, ref);   /* N=1 uses the first image, so its reference is the first slice */
        for (int ni = 0; ni < nN; ni++) {
            int N = Ns[ni];
            size_t on = (size_t)N * g.oh * g.ow * F;
            double flops = 2.0 * N * g.oh * g.ow * L->kh * L->kw * (L->depthwise ? 1 : L->c) * F;
            char *list = strdup(impls);
            for (char *im = strtok(list, ","); im; im = strtok(NULL, ",")) {
                double *ts = malloc(sizeof(double) * reps), *ts2 = malloc(sizeof(double) * reps);
                double create = 0, first = 0; char note[256] = ""; int two = 0;
                Dnnl d; xnn_operator_t xop = NULL;
                memset(out, 0, on * 4);
                if (!strcmp(im, "blas")) {
                    double t0 = now(); run_blas(L, &g, N, in, k, b, out, T); first = now() - t0;
                    for (int r = 0; r < reps; r++) { t0 = now(); run_blas(L, &g, N, in, k, b, out, T); ts[r] = now() - t0; }
                    snprintf(note, sizeof note, L->depthwise ? "own C loop" : "im2col+sgemm");
                } else if (!strncmp(im, "dnnl", 4)) {
                    int any = !strcmp(im, "dnnl-any") ? 1 : !strcmp(im, "dnnl-blk16") ? 2 : 0;
                    dnnl_make(&d, L, &g, N, any, in, k, b, out); create = d.create_s;
                    double t0 = now(); dnnl_full(&d); first = now() - t0;
                    for (int r = 0; r < reps; r++) { t0 = now(); dnnl_full(&d); ts[r] = now() - t0; }
                    if (d.rin || d.rout) {
                        two = 1;
                        for (int r = 0; r < reps; r++) { t0 = now(); dnnl_conv_only(&d); ts2[r] = now() - t0; }
                    }
                    snprintf(note, sizeof note, "%s src=%s dst=%s wei=%s", d.impl, d.rin ? d.src_fmt : "nhwc", d.rout ? d.dst_fmt : "nhwc", d.wei_fmt);
                    dnnl_full(&d);   /* leave NHWC output in `out` for the error check */
                } else if (!strcmp(im, "xnn")) {
                    xop = xnn_make(L, &g, k, b, &create);
                    double t0 = now(); xnn_exec(xop, L, N, in, out); first = now() - t0;
                    for (int r = 0; r < reps; r++) { t0 = now(); xnn_exec(xop, L, N, in, out); ts[r] = now() - t0; }
                    snprintf(note, sizeof note, "setup+run");
                } else { fprintf(stderr, "unknown impl %s\n", im); return 1; }
                double err = max_rel_err(out, ref, on);
                double mn = ts[0]; for (int r = 1; r < reps; r++) if (ts[r] < mn) mn = ts[r];
                double med = median(ts, reps);
                printf("%s\t%d\t%s%s\t%d\t%.3f\t%.3f\t%.1f\t%.2e\t%.2f\t%.2f\t%s\n", L->name, N, im, two ? "+reorder" : "", T, med * 1e3, mn * 1e3,
                       flops / med * 1e-9, err, create * 1e3, first * 1e3, note);
                if (two) {
                    double mn2 = ts2[0]; for (int r = 1; r < reps; r++) if (ts2[r] < mn2) mn2 = ts2[r];
                    double med2 = median(ts2, reps);
                    printf("%s\t%d\t%s(conv only)\t%d\t%.3f\t%.3f\t%.1f\t%.2e\t%.2f\t%.2f\t%s\n", L->name, N, im, T, med2 * 1e3, mn2 * 1e3,
                           flops / med2 * 1e-9, err, create * 1e3, first * 1e3, "blocked layout kept, no reorders");
                }
                fflush(stdout);
                if (xop) xnn_delete_operator(xop);
                if (!strncmp(im, "dnnl", 4)) {
                    dnnl_primitive_destroy(d.conv); if (d.rin) dnnl_primitive_destroy(d.rin); if (d.rout) dnnl_primitive_destroy(d.rout);
                    if (d.src != d.usr_src) dnnl_memory_destroy(d.src);
                    if (d.dst != d.usr_dst) dnnl_memory_destroy(d.dst);
                    dnnl_memory_destroy(d.usr_src); dnnl_memory_destroy(d.usr_dst); dnnl_memory_destroy(d.wei); dnnl_memory_destroy(d.bia);
                }
                free(ts); free(ts2);
            }
            free(list);
        }
        free(in); free(k); free(b); free(out); free(ref);
    }
    return 0;
}
