// Open MPI's handles (MPI_COMM_WORLD, MPI_DOUBLE, MPI_SUM, ...) are macros that Swift
// cannot import; these inline functions make them callable.
#ifndef LIPHASE_CMPI_SHIM_H
#define LIPHASE_CMPI_SHIM_H
#include <mpi.h>

static inline MPI_Comm liphase_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Comm liphase_mpi_comm_null(void) { return MPI_COMM_NULL; }
static inline MPI_Comm liphase_mpi_comm_self(void) { return MPI_COMM_SELF; }
static inline MPI_Datatype liphase_mpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Datatype liphase_mpi_int64(void) { return MPI_INT64_T; }
static inline MPI_Datatype liphase_mpi_int32(void) { return MPI_INT32_T; }
static inline MPI_Datatype liphase_mpi_byte(void) { return MPI_BYTE; }
static inline MPI_Op liphase_mpi_sum(void) { return MPI_SUM; }
static inline MPI_Op liphase_mpi_max(void) { return MPI_MAX; }
static inline MPI_Op liphase_mpi_min(void) { return MPI_MIN; }
static inline MPI_Op liphase_mpi_lor(void) { return MPI_LOR; }
static inline MPI_Status *liphase_mpi_status_ignore(void) { return MPI_STATUS_IGNORE; }
static inline MPI_Status *liphase_mpi_statuses_ignore(void) { return MPI_STATUSES_IGNORE; }
static inline MPI_Request liphase_mpi_request_null(void) { return MPI_REQUEST_NULL; }
static inline MPI_Info liphase_mpi_info_null(void) { return MPI_INFO_NULL; }
static inline int liphase_mpi_proc_null(void) { return MPI_PROC_NULL; }
static inline int liphase_mpi_success(void) { return MPI_SUCCESS; }
static inline int liphase_mpi_thread_funneled(void) { return MPI_THREAD_FUNNELED; }
static inline MPI_Errhandler liphase_mpi_errors_return(void) { return MPI_ERRORS_RETURN; }

#endif
