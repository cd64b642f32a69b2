// HDF5 for Swift. The library's type and flag constants are C macros that expand
// to global ids or expressions Swift cannot import; these inline functions hand
// them over by value.
//
// Debian's serial HDF5 (libhdf5-dev), linked statically with the szip and zlib
// filters it calls (libhdf5_serial.a, from the module map): the shared library needs
// libcurl for an S3 driver LayerLens never uses, which loads OpenSSL, GnuTLS,
// Kerberos and LDAP (28 libraries) into every run, about 8 ms.
#include <hdf5/serial/hdf5.h>

static inline hid_t ll_h5t_native_float(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t ll_h5t_native_double(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t ll_h5t_c_s1(void) { return H5T_C_S1; }
static inline size_t ll_h5t_variable(void) { return H5T_VARIABLE; }
static inline unsigned ll_h5f_acc_rdonly(void) { return H5F_ACC_RDONLY; }
static inline hid_t ll_h5p_default(void) { return H5P_DEFAULT; }
static inline hid_t ll_h5p_file_access(void) { return H5P_FILE_ACCESS; }
static inline hid_t ll_h5s_all(void) { return H5S_ALL; }
static inline hid_t ll_h5e_default(void) { return H5E_DEFAULT; }
