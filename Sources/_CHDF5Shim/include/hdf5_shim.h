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
/* Silences HDF5's own error printing: errors are reported by the caller, once. */
void aelab_h5_silence_errors(void);
#endif
