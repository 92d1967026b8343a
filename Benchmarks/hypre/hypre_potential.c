/*
 * hypre reference for LiPhase's potential solve.
 *
 * Solves -div(sigma grad u) = 0 on the unit square, cell-centred N x N, with
 * u = 0 at x = 0, u = 1 at x = 1, periodic in y, and sigma = 1e7 inside 48
 * circular islands (else 1), using hypre's Struct PCG preconditioned by one
 * PFMG V-cycle. It then grows every island by a quarter cell and solves again
 * from the previous solution ("warm"), which is what one time step of Li
 * growth asks of the potential solver.
 *
 * Costs are reported in "sweep equivalents": wall time divided by the time of
 * one variable-coefficient matrix-vector product on the same grid, so that the
 * figure can be compared with LiPhase's EllipticSolveReport.sweepEquivalents
 * independently of the machine. The problem definition is in README.md; the
 * Swift side implements the same formulas, so keep the two in step.
 *
 * Usage: hypre_potential [N]   (N a power of two, default 1024; one MPI rank)
 */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mpi.h>

#include "HYPRE.h"
#include "HYPRE_struct_ls.h"
#include "HYPRE_struct_mv.h"

enum { REPS = 5 };
static const double SIGMA_ISLAND = 1e7;
static const double TOL = 1e-6;

/* hypre returns a non-zero error flag on failure; a benchmark that silently
 * continues after one would report numbers for the wrong computation. */
#define CHECK(call)                                                            \
    do {                                                                       \
        HYPRE_Int err_ = (call);                                               \
        if (err_ != 0) {                                                       \
            char msg_[256] = "";                                               \
            HYPRE_DescribeError(err_, msg_);                                   \
            fprintf(stderr, "%s:%d: %s failed: %s (%d)\n", __FILE__,           \
                    __LINE__, #call, msg_, (int)err_);                         \
            MPI_Abort(MPI_COMM_WORLD, 1);                                      \
        }                                                                      \
    } while (0)

/* Conductivity on the cell centres. `growth` is added to every radius: 0 for
 * the cold case, h/4 for the warm one. The islands are never wrapped
 * periodically: none comes within 0.0015 of y = 0 or y = 1 even when grown,
 * and none reaches the x walls, so the walls always see sigma = 1. */
static void fill_sigma(int n, double growth, double *sigma)
{
    double cx[48], cy[48], r2[48];
    int k = 0;
    for (int m = 1; m <= 6; m++) {
        for (int q = 0; q <= 7; q++, k++) {
            cx[k] = (m + 0.5) / 8.0 + 0.02 * sin(7.0 * m + 3.0 * q);
            cy[k] = (q + 0.5) / 8.0 + 0.02 * cos(5.0 * m + 11.0 * q);
            double r = 0.03 + 0.01 * sin((double)(m * q) + 1.0) + growth;
            r2[k] = r * r;
        }
    }
    double h = 1.0 / n;
    for (int j = 0; j < n; j++) {
        double y = (j + 0.5) * h;
        for (int i = 0; i < n; i++) {
            double x = (i + 0.5) * h;
            double s = 1.0;
            for (k = 0; k < 48; k++) {
                double dx = x - cx[k], dy = y - cy[k];
                if (dx * dx + dy * dy < r2[k]) {
                    s = SIGMA_ISLAND;
                    break;
                }
            }
            sigma[(size_t)j * n + i] = s;
        }
    }
}

static double harmonic(double a, double b) { return 2.0 * a * b / (a + b); }

/* Two-point flux finite volumes. With square cells area/distance = 1, so the
 * transmissibility of an interior face is the harmonic mean of the two cells,
 * and of a Dirichlet wall face (distance h/2) 2 sigma_cell. The wall's
 * stencil entry is zeroed and its known value moved to b; hypre would
 * otherwise read the ghost value outside the non-periodic x boundary. */
static void assemble(HYPRE_StructGrid grid, HYPRE_StructStencil stencil, int n,
                     const double *sigma, HYPRE_StructMatrix *A,
                     HYPRE_StructVector b)
{
    /* Stencil order: centre, west, east, south, north (see main). */
    size_t cells = (size_t)n * n;
    double *values = malloc(5 * cells * sizeof *values);
    double *rhs = malloc(cells * sizeof *rhs);
    if (!values || !rhs) {
        fprintf(stderr, "out of memory\n");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    for (int j = 0; j < n; j++) {
        int js = (j + n - 1) % n, jn = (j + 1) % n;
        for (int i = 0; i < n; i++) {
            size_t c = (size_t)j * n + i;
            double s = sigma[c];
            double tw = i > 0 ? harmonic(s, sigma[c - 1]) : 2.0 * s;
            double te = i < n - 1 ? harmonic(s, sigma[c + 1]) : 2.0 * s;
            double ts = harmonic(s, sigma[(size_t)js * n + i]);
            double tn = harmonic(s, sigma[(size_t)jn * n + i]);
            double *v = values + 5 * c;
            v[0] = tw + te + ts + tn;
            v[1] = i > 0 ? -tw : 0.0;
            v[2] = i < n - 1 ? -te : 0.0;
            v[3] = -ts;
            v[4] = -tn;
            rhs[c] = i == n - 1 ? te * 1.0 : 0.0; /* u = 1 at x = 1 */
        }
    }
    HYPRE_Int lower[2] = {0, 0}, upper[2] = {n - 1, n - 1};
    HYPRE_Int entries[5] = {0, 1, 2, 3, 4};
    CHECK(HYPRE_StructMatrixCreate(MPI_COMM_WORLD, grid, stencil, A));
    CHECK(HYPRE_StructMatrixInitialize(*A));
    CHECK(HYPRE_StructMatrixSetBoxValues(*A, lower, upper, 5, entries, values));
    CHECK(HYPRE_StructMatrixAssemble(*A));
    CHECK(HYPRE_StructVectorSetBoxValues(b, lower, upper, rhs));
    CHECK(HYPRE_StructVectorAssemble(b));
    free(values);
    free(rhs);
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *t, int count)
{
    qsort(t, count, sizeof *t, compare_double);
    return count % 2 ? t[count / 2] : 0.5 * (t[count / 2 - 1] + t[count / 2]);
}

static void set_vector(HYPRE_StructVector v, int n, const double *data)
{
    HYPRE_Int lower[2] = {0, 0}, upper[2] = {n - 1, n - 1};
    CHECK(HYPRE_StructVectorSetBoxValues(v, lower, upper, (double *)data));
    CHECK(HYPRE_StructVectorAssemble(v));
}

static void get_vector(HYPRE_StructVector v, int n, double *data)
{
    HYPRE_Int lower[2] = {0, 0}, upper[2] = {n - 1, n - 1};
    CHECK(HYPRE_StructVectorGetBoxValues(v, lower, upper, data));
}

/* Median wall time of one y = A x. x is not all zero so that the product
 * does the same arithmetic as inside the solver. */
static double time_matvec(HYPRE_StructMatrix A, HYPRE_StructVector x,
                          HYPRE_StructVector y)
{
    double t[REPS];
    /* The first product builds hypre's communication package and touches
     * y's pages; neither belongs in the per-sweep cost. */
    CHECK(HYPRE_StructMatrixMatvec(1.0, A, x, 0.0, y));
    for (int r = 0; r < REPS; r++) {
        double t0 = MPI_Wtime();
        CHECK(HYPRE_StructMatrixMatvec(1.0, A, x, 0.0, y));
        t[r] = MPI_Wtime() - t0;
    }
    return median(t, REPS);
}

typedef struct {
    double setup_s, solve_s;
    int iterations;
    double hypre_relres;
} SolveTiming;

/* Each repetition gets fresh PCG and PFMG objects: calling Setup a second
 * time on the same objects leaks about 97 MiB per call in hypre 2.26, which
 * would both distort the timing and exhaust memory over the repetitions. */
static SolveTiming solve(HYPRE_StructMatrix A, HYPRE_StructVector b,
                         HYPRE_StructVector x, int n, const double *x0,
                         int print_settings)
{
    double setup[REPS], solve_t[REPS];
    SolveTiming out = {0};
    for (int r = 0; r < REPS; r++) {
        set_vector(x, n, x0);

        HYPRE_StructSolver pcg, pfmg;
        CHECK(HYPRE_StructPCGCreate(MPI_COMM_WORLD, &pcg));
        CHECK(HYPRE_StructPCGSetTol(pcg, TOL));
        /* hypre's default measures the residual in the preconditioner's
         * norm, sqrt(<Cr,r>/<Cb,b>), which another solver cannot reproduce
         * and which stops the warm solve far from converged. Stop on the
         * plain ||b - A x||_2 <= tol ||b||_2 instead. */
        CHECK(HYPRE_StructPCGSetTwoNorm(pcg, 1));
        CHECK(HYPRE_StructPCGSetMaxIter(pcg, 500));

        /* A preconditioner is one V-cycle from zero, nothing more. Weighted
         * Jacobi is hypre's default relaxation; set it explicitly anyway,
         * because red-black Gauss-Seidel diverges on this 1e7 contrast. */
        CHECK(HYPRE_StructPFMGCreate(MPI_COMM_WORLD, &pfmg));
        CHECK(HYPRE_StructPFMGSetMaxIter(pfmg, 1));
        CHECK(HYPRE_StructPFMGSetTol(pfmg, 0.0));
        CHECK(HYPRE_StructPFMGSetZeroGuess(pfmg));
        CHECK(HYPRE_StructPFMGSetRelaxType(pfmg, 1));
        CHECK(HYPRE_StructPCGSetPrecond(pcg, HYPRE_StructPFMGSolve,
                                        HYPRE_StructPFMGSetup, pfmg));

        if (print_settings && r == 0) {
            HYPRE_Int relax, rap, pre, post, skip;
            HYPRE_Real weight;
            CHECK(HYPRE_StructPFMGGetRelaxType(pfmg, &relax));
            CHECK(HYPRE_StructPFMGGetJacobiWeight(pfmg, &weight));
            CHECK(HYPRE_StructPFMGGetRAPType(pfmg, &rap));
            CHECK(HYPRE_StructPFMGGetNumPreRelax(pfmg, &pre));
            CHECK(HYPRE_StructPFMGGetNumPostRelax(pfmg, &post));
            CHECK(HYPRE_StructPFMGGetSkipRelax(pfmg, &skip));
            printf("# hypre %s PFMG: relax_type=%d jacobi_weight=%g "
                   "rap_type=%d pre=%d post=%d skip_relax=%d\n",
                   HYPRE_RELEASE_VERSION, (int)relax, weight, (int)rap,
                   (int)pre, (int)post, (int)skip);
        }

        double t0 = MPI_Wtime();
        CHECK(HYPRE_StructPCGSetup(pcg, A, b, x));
        double t1 = MPI_Wtime();
        /* Not CHECKed: PCG flags non-convergence as an error, and we want to
         * report the iteration count and residual in that case too. */
        HYPRE_Int err = HYPRE_StructPCGSolve(pcg, A, b, x);
        double t2 = MPI_Wtime();
        setup[r] = t1 - t0;
        solve_t[r] = t2 - t1;

        HYPRE_Int its;
        CHECK(HYPRE_StructPCGGetNumIterations(pcg, &its));
        CHECK(HYPRE_StructPCGGetFinalRelativeResidualNorm(pcg, &out.hypre_relres));
        if (err != 0) {
            fprintf(stderr, "warning: PCG returned error %d after %d iterations\n",
                    (int)err, (int)its);
            HYPRE_ClearAllErrors();
        }
        /* Repetitions are the same computation; a change would mean the
         * timings are not comparable. */
        if (r > 0 && its != out.iterations) {
            fprintf(stderr, "iteration count changed between repetitions: %d vs %d\n",
                    (int)its, out.iterations);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
        out.iterations = (int)its;

        CHECK(HYPRE_StructPFMGDestroy(pfmg));
        CHECK(HYPRE_StructPCGDestroy(pcg));
    }
    out.setup_s = median(setup, REPS);
    out.solve_s = median(solve_t, REPS);
    return out;
}

/* ||b - A x||_2 / ||b||_2 computed from scratch, not from PCG's recursively
 * updated residual. Leaves b - A x in `work`. */
static double relative_residual(int n, HYPRE_StructMatrix A,
                                HYPRE_StructVector b, HYPRE_StructVector x,
                                HYPRE_StructVector work)
{
    size_t cells = (size_t)n * n;
    double *bv = malloc(cells * sizeof *bv);
    double *rv = malloc(cells * sizeof *rv);
    if (!bv || !rv) {
        fprintf(stderr, "out of memory\n");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    get_vector(b, n, bv);
    set_vector(work, n, bv);
    CHECK(HYPRE_StructMatrixMatvec(-1.0, A, x, 1.0, work));
    get_vector(work, n, rv);
    double rr = 0.0, bb = 0.0;
    for (size_t c = 0; c < cells; c++) {
        rr += rv[c] * rv[c];
        bb += bv[c] * bv[c];
    }
    free(bv);
    free(rv);
    return sqrt(rr / bb);
}

/* Independent check on the solution: true residual, maximum principle, and
 * current conservation. Summing the equations over all cells telescopes the
 * interior fluxes, so current_in - current_out equals the sum of the
 * residual; agreement to the solver tolerance shows the discretisation and
 * the boundary treatment are what README.md says. */
static int report(const char *name, int n, HYPRE_StructMatrix A,
                  HYPRE_StructVector b, HYPRE_StructVector x,
                  HYPRE_StructVector work, const double *sigma, double matvec_s,
                  double relres0, SolveTiming st, double *u)
{
    size_t cells = (size_t)n * n;
    double relres = relative_residual(n, A, b, x, work);
    get_vector(x, n, u);
    double umax = 0.0, umin = INFINITY;
    for (size_t c = 0; c < cells; c++) {
        if (fabs(u[c]) > umax) umax = fabs(u[c]);
        if (u[c] < umin) umin = u[c];
    }
    double in = 0.0, out = 0.0;
    for (int j = 0; j < n; j++) {
        size_t west = (size_t)j * n, east = west + n - 1;
        in += 2.0 * sigma[west] * u[west];
        out += 2.0 * sigma[east] * (1.0 - u[east]);
    }
    double mismatch = fabs(in - out) / fabs(in);
    /* An exact integer the Swift side must reproduce from the same formulas. */
    size_t island_cells = 0;
    for (size_t c = 0; c < cells; c++) island_cells += sigma[c] > 1.0;
    double centre = u[(size_t)(n / 2) * n + n / 2];

    printf("hypre %s N=%d island_cells=%zu iterations=%d matvec_s=%.6e setup_s=%.6e "
           "solve_s=%.6e sweeps_solve=%.1f sweeps_total=%.1f "
           "relres0=%.3e relres=%.3e hypre_relres=%.3e u_center=%.12f u_min=%.3e "
           "u_absmax=%.12f current_in=%.12f current_out=%.12f "
           "current_mismatch=%.2e\n",
           name, n, island_cells, st.iterations, matvec_s, st.setup_s, st.solve_s,
           st.solve_s / matvec_s, (st.setup_s + st.solve_s) / matvec_s,
           relres0, relres, st.hypre_relres, centre, umin, umax, in, out,
           mismatch);
    fflush(stdout);

    int ok = relres <= 1.01 * TOL && umax <= 1.0 + 1e-9 &&
             umin >= -1e-9 && mismatch <= 1e-5;
    if (!ok) fprintf(stderr, "%s: verification failed\n", name);
    return ok;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int ranks;
    MPI_Comm_size(MPI_COMM_WORLD, &ranks);
    /* The comparison is single-core; distributing the box is not needed. */
    if (ranks != 1) {
        fprintf(stderr, "run on one MPI rank\n");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    int n = argc > 1 ? atoi(argv[1]) : 1024;
    /* PFMG requires a power-of-two period in a periodic direction. */
    if (n < 8 || (n & (n - 1)) != 0) {
        fprintf(stderr, "N must be a power of two >= 8, got %s\n", argv[1]);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    CHECK(HYPRE_Init());

    HYPRE_StructGrid grid;
    HYPRE_Int lower[2] = {0, 0}, upper[2] = {n - 1, n - 1};
    HYPRE_Int periodic[2] = {0, n};
    CHECK(HYPRE_StructGridCreate(MPI_COMM_WORLD, 2, &grid));
    CHECK(HYPRE_StructGridSetExtents(grid, lower, upper));
    CHECK(HYPRE_StructGridSetPeriodic(grid, periodic));
    CHECK(HYPRE_StructGridAssemble(grid));

    /* Full (non-symmetric) storage: five coefficients per cell, like the
     * variable-coefficient sweep LiPhase counts as one sweep equivalent. */
    HYPRE_StructStencil stencil;
    HYPRE_Int offsets[5][2] = {{0, 0}, {-1, 0}, {1, 0}, {0, -1}, {0, 1}};
    CHECK(HYPRE_StructStencilCreate(2, 5, &stencil));
    for (int e = 0; e < 5; e++)
        CHECK(HYPRE_StructStencilSetElement(stencil, e, offsets[e]));

    HYPRE_StructVector b, x, work;
    HYPRE_StructVector *vectors[3] = {&b, &x, &work};
    for (int v = 0; v < 3; v++) {
        CHECK(HYPRE_StructVectorCreate(MPI_COMM_WORLD, grid, vectors[v]));
        CHECK(HYPRE_StructVectorInitialize(*vectors[v]));
    }

    size_t cells = (size_t)n * n;
    double *sigma = malloc(cells * sizeof *sigma);
    double *u = calloc(cells, sizeof *u);
    double *x0 = malloc(cells * sizeof *x0);
    if (!sigma || !u || !x0) {
        fprintf(stderr, "out of memory\n");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    double h = 1.0 / n;
    int ok = 1;

    /* Cold: from u = 0. */
    HYPRE_StructMatrix A;
    fill_sigma(n, 0.0, sigma);
    assemble(grid, stencil, n, sigma, &A, b);

    /* The matvec is timed once, on the cold matrix applied to the linear
     * profile u = x: the warm matrix has the same stencil and storage, so
     * its product costs the same. */
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) x0[(size_t)j * n + i] = (i + 0.5) * h;
    set_vector(x, n, x0);
    double matvec_s = time_matvec(A, x, work);

    memset(x0, 0, cells * sizeof *x0);
    set_vector(x, n, x0);
    double relres0 = relative_residual(n, A, b, x, work);
    SolveTiming cold = solve(A, b, x, n, x0, 1);
    ok &= report("cold", n, A, b, x, work, sigma, matvec_s, relres0, cold, u);

    /* Warm: islands grown by h/4, start from the cold solution. */
    CHECK(HYPRE_StructMatrixDestroy(A));
    memcpy(x0, u, cells * sizeof *x0);
    fill_sigma(n, 0.25 * h, sigma);
    assemble(grid, stencil, n, sigma, &A, b);
    /* x still holds the cold solution, i.e. x0. */
    relres0 = relative_residual(n, A, b, x, work);
    SolveTiming warm = solve(A, b, x, n, x0, 0);
    ok &= report("warm", n, A, b, x, work, sigma, matvec_s, relres0, warm, u);

    CHECK(HYPRE_StructMatrixDestroy(A));
    for (int v = 0; v < 3; v++) CHECK(HYPRE_StructVectorDestroy(*vectors[v]));
    CHECK(HYPRE_StructStencilDestroy(stencil));
    CHECK(HYPRE_StructGridDestroy(grid));
    free(sigma);
    free(u);
    free(x0);
    CHECK(HYPRE_Finalize());
    MPI_Finalize();
    return ok ? 0 : 1;
}
