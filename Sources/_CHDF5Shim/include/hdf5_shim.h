#ifndef AELAB_HDF5_SHIM_H
#define AELAB_HDF5_SHIM_H
#include <hdf5.h>

/* HDF5 names that are macros (or call H5open()) and so do not import into Swift with the right type. */
hid_t aelab_h5p_default(void);
hid_t aelab_h5s_all(void);
unsigned aelab_h5f_acc_trunc(void);
unsigned aelab_h5f_acc_excl(void);
unsigned aelab_h5f_acc_rdonly(void);
unsigned aelab_h5f_acc_rdwr(void);
hid_t aelab_h5t_native_float(void);
hid_t aelab_h5t_native_double(void);
hid_t aelab_h5t_native_int64(void);
hid_t aelab_h5t_native_uint8(void);
hid_t aelab_h5t_c_s1(void);
hid_t aelab_h5p_dataset_create(void);
/* Added for ResultStore: explicit little-endian file types, 64-bit unsigned memory type,
   variable-length string size, and the file-access property-list class. */
hid_t aelab_h5t_native_uint64(void);
hid_t aelab_h5t_ieee_f32le(void);
hid_t aelab_h5t_ieee_f64le(void);
hid_t aelab_h5t_std_i64le(void);
hid_t aelab_h5t_std_u64le(void);
size_t aelab_h5t_variable(void);
hid_t aelab_h5p_file_access(void);
hid_t aelab_h5e_default(void);
/* Silences HDF5's own error printing: errors are reported by the caller, once. */
void aelab_h5_silence_errors(void);
#endif
