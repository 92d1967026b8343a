// HDF5's predefined types and property-list classes are macros that call H5open() and
// read library globals; Swift cannot import them, so they are wrapped here.
#ifndef LIPHASE_CHDF5_SHIM_H
#define LIPHASE_CHDF5_SHIM_H
#include <hdf5.h>

static inline hid_t liphase_h5t_native_double(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t liphase_h5t_native_int64(void) { return H5T_NATIVE_INT64; }
static inline hid_t liphase_h5t_native_int32(void) { return H5T_NATIVE_INT32; }
static inline hid_t liphase_h5t_ieee_f64le(void) { return H5T_IEEE_F64LE; }
static inline hid_t liphase_h5t_std_i64le(void) { return H5T_STD_I64LE; }
static inline hid_t liphase_h5t_std_i32le(void) { return H5T_STD_I32LE; }
static inline hid_t liphase_h5t_c_s1(void) { return H5T_C_S1; }
static inline hid_t liphase_h5t_std_i8le(void) { return H5T_STD_I8LE; }
static inline hid_t liphase_h5t_native_schar(void) { return H5T_NATIVE_SCHAR; }
static inline hid_t liphase_h5p_file_access(void) { return H5P_FILE_ACCESS; }
static inline hid_t liphase_h5p_file_create(void) { return H5P_FILE_CREATE; }
static inline hid_t liphase_h5p_dataset_xfer(void) { return H5P_DATASET_XFER; }
static inline hid_t liphase_h5p_dataset_create(void) { return H5P_DATASET_CREATE; }
static inline hid_t liphase_h5p_default(void) { return H5P_DEFAULT; }
static inline hid_t liphase_h5s_all(void) { return H5S_ALL; }
static inline unsigned liphase_h5f_acc_trunc(void) { return H5F_ACC_TRUNC; }
static inline unsigned liphase_h5f_acc_rdonly(void) { return H5F_ACC_RDONLY; }
static inline hid_t liphase_h5e_default(void) { return H5E_DEFAULT; }
static inline hsize_t liphase_h5s_unlimited(void) { return H5S_UNLIMITED; }
static inline size_t liphase_h5t_variable(void) { return H5T_VARIABLE; }

/// Silences HDF5's own error stack printing: LiPhase reports errors itself, with context.
static inline void liphase_h5_silence_errors(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

static inline int liphase_h5_is_parallel(void) {
#ifdef H5_HAVE_PARALLEL
    return 1;
#else
    return 0;
#endif
}
#endif
