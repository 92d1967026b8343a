# Sourced by the scripts: lets mpirun work as root (containers, CI) and oversubscribe 2 cores.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1
# Containers often forbid the cross-process memory attach that the shared-memory transport tries.
export OMPI_MCA_btl_vader_single_copy_mechanism=none
