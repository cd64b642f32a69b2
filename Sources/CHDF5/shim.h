// HDF5 for Swift. The library's type and flag constants are C macros that expand
// to global ids or expressions Swift cannot import; these inline functions hand
// them over by value.
#include <hdf5/serial/hdf5.h>  // Debian's serial HDF5, linked statically (see Package.swift)

static inline hid_t ll_h5t_native_float(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t ll_h5t_native_double(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t ll_h5t_c_s1(void) { return H5T_C_S1; }
static inline size_t ll_h5t_variable(void) { return H5T_VARIABLE; }
static inline unsigned ll_h5f_acc_rdonly(void) { return H5F_ACC_RDONLY; }
static inline hid_t ll_h5p_default(void) { return H5P_DEFAULT; }
static inline hid_t ll_h5p_file_access(void) { return H5P_FILE_ACCESS; }
static inline hid_t ll_h5s_all(void) { return H5S_ALL; }
static inline hid_t ll_h5e_default(void) { return H5E_DEFAULT; }
