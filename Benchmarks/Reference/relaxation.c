/*
 * C reference of LiPhase's phase-field relaxation kernel (Sources/LiPhasePhysics/
 * PhaseFieldRelaxation.swift), for the Swift-parity row of Benchmarks/README.md. Same algorithm,
 * same arrays, same arithmetic per cell:
 *   pass 1: r = Lκ∇²ξ + local, local = −LW·2ξ(1−ξ)(1−2ξ) + noise·LW·w(ξ)·U(seed, cell, step),
 *           with per-tile sums of local and w(ξ);
 *   pass 2: ξ ← clamp(ξ + dt(r + λ w(ξ))), and the void gives or takes its share.
 * This is the dense path, every cell relaxing under one multiplier: LiPhase's kernel without
 * deposit regions (binary mode), which the harness times on the same grid. Fields are doubles
 * with one ghost layer (x fastest). The tile sums are plain double sums (LiPhase orders them for
 * reproducibility across ranks; that costs one record per tile, not per cell). Compulsory
 * traffic: pass 1 reads ξ and writes r, pass 2 reads ξ, r, v and writes ξ, v: 56 bytes per cell.
 *
 *   gcc -O3 -march=native -o relaxation relaxation.c -lm && ./relaxation 2048 1024 7
 * prints the median and range over the repetitions of cell updates per second.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <time.h>

static inline uint64_t mix(uint64_t value) {
    uint64_t z = value + 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static inline double symmetric(uint64_t seed, uint64_t cell, uint64_t step) {
    uint64_t bits = mix(mix(mix(mix(seed) ^ 0) ^ cell) ^ step);
    return (double)(bits >> 11) * 0x1p-52 - 1;
}
static inline double weight(double xi) { return 30 * xi * xi * (1 - xi) * (1 - xi); }
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + 1e-9 * t.tv_nsec; }
static int compare(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return (x > y) - (x < y); }

enum { TILE = 64 };

int main(int argc, char **argv) {
    int nx = argc > 1 ? atoi(argv[1]) : 2048, ny = argc > 2 ? atoi(argv[2]) : 1024;
    int repetitions = argc > 3 ? atoi(argv[3]) : 7;
    if (nx < 8 || ny < 8 || repetitions < 1) { fprintf(stderr, "usage: relaxation NX NY REPETITIONS\n"); return 64; }
    long sx = nx + 2, count = sx * (ny + 2);
    double *xi = malloc(count * sizeof(double)), *v = malloc(count * sizeof(double));
    double *r = malloc(count * sizeof(double));
    if (!xi || !v || !r) { fprintf(stderr, "out of memory\n"); return 1; }
    const double h = 0.5e-6, ell = 1e-6, inverseH2 = 1 / (h * h);
    const double l = 1e-3, w = 1e6, kappa = 1e-6, noise = 0.5, dt = 1e-3;
    for (long p = 0; p < count; p++) {
        long i = p % sx - 1, j = p / sx - 1;
        double x = (i + 0.5) * h, front = 16e-6 + 2e-6 * sin(j * 0.05);
        xi[p] = 0.5 * (1 - tanh((x - front) / ell));
        v[p] = 0; r[p] = 0;
    }
    double *times = malloc(repetitions * sizeof(double));
    double sums[2];
    for (int rep = 0; rep < repetitions; rep++) {
        double start = now();
        sums[0] = sums[1] = 0;
        for (int tj = 0; tj < ny; tj += TILE) for (int ti = 0; ti < nx; ti += TILE) {
            double tileLocal = 0, tileWeight = 0;
            int jEnd = tj + TILE < ny ? tj + TILE : ny, iEnd = ti + TILE < nx ? ti + TILE : nx;
            for (int j = tj; j < jEnd; j++) {
                long base = (j + 1) * sx + 1;
                for (int i = ti; i < iEnd; i++) {
                    long p = base + i;
                    double c = xi[p], laplacian = 0;
                    const long strides[2] = {1, sx};
                    for (int axis = 0; axis < 2; axis++) {
                        double below = xi[p - strides[axis]], above = xi[p + strides[axis]];
                        laplacian += (above + below - 2 * c) * inverseH2;
                    }
                    double local = -l * w * 2 * c * (1 - c) * (1 - 2 * c);
                    local += noise * l * w * weight(c) * symmetric(7, (uint64_t)(i + (long)nx * j), (uint64_t)rep);
                    r[p] = l * kappa * laplacian + local;
                    tileLocal += local;
                    tileWeight += weight(c);
                }
            }
            sums[0] += tileLocal;
            sums[1] += tileWeight;
        }
        double lambda = sums[1] > 0 ? -sums[0] / sums[1] : 0;
        for (int j = 0; j < ny; j++) {
            long base = (j + 1) * sx + 1;
            for (int i = 0; i < nx; i++) {
                long p = base + i;
                double old = xi[p];
                double updated = fmin(1, fmax(0, old + dt * (r[p] + lambda * weight(old))));
                double change = updated - old;
                xi[p] = updated;
                double solid = fmax(0, 1 - old - v[p]), other = solid + v[p];
                if (other > 0) v[p] = fmax(0, v[p] - change * v[p] / other);
                if (xi[p] + v[p] > 1) v[p] = 1 - xi[p];
            }
        }
        times[rep] = now() - start;
    }
    qsort(times, repetitions, sizeof(double), compare);
    double cells = (double)nx * ny, checksum = 0;
    for (long p = 0; p < count; p++) checksum += xi[p];
    printf("C relaxation %dx%d: median %.1f M cell updates/s (range %.1f-%.1f) over %d runs; checksum %.6f\n",
           nx, ny, cells / times[repetitions / 2] / 1e6, cells / times[repetitions - 1] / 1e6, cells / times[0] / 1e6, repetitions, checksum);
    return 0;
}
