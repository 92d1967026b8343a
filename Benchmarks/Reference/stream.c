/*
 * STREAM triad in C (gcc -O3 -march=native), a[i] = b[i] + s·c[i] over three 256 MiB arrays,
 * 24 bytes per element (no write-allocate), the canonical counterpart of `liphase-bench stream`.
 * Prints one "RESULT {json}" line: the median and range over the repetitions after a first,
 * untimed pass that faults the pages in.
 *   gcc -O3 -march=native -o stream stream.c && ./stream 7
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + 1e-9 * t.tv_nsec; }
static int compare(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return (x > y) - (x < y); }

int main(int argc, char **argv) {
    int repetitions = argc > 1 ? atoi(argv[1]) : 7;
    if (repetitions < 1) { fprintf(stderr, "usage: stream REPETITIONS\n"); return 64; }
    long n = 32L * 1024 * 1024;
    double *a = malloc(n * sizeof(double)), *b = malloc(n * sizeof(double)), *c = malloc(n * sizeof(double));
    double *rates = malloc(repetitions * sizeof(double));
    if (!a || !b || !c || !rates) { fprintf(stderr, "out of memory\n"); return 1; }
    for (long i = 0; i < n; i++) { a[i] = 0; b[i] = 1; c[i] = 2; }
    for (int r = 0; r <= repetitions; r++) {
        double start = now();
        for (long i = 0; i < n; i++) a[i] = b[i] + 3.0 * c[i];
        double elapsed = now() - start;
        if (r > 0) rates[r - 1] = 24.0 * n / elapsed;
    }
    qsort(rates, repetitions, sizeof(double), compare);
    printf("RESULT {\"benchmark\":\"stream (C)\",\"bytes_per_second\":%.6e,\"low\":%.6e,\"high\":%.6e,\"mebibytes_per_array\":256,\"ranks\":1,\"repetitions\":%d}\n",
           rates[repetitions / 2], rates[0], rates[repetitions - 1], repetitions);
    return a[n / 2] != 7;
}
