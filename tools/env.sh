# Sourced by discsim's scripts: Open MPI refuses to start as root unless told otherwise.
if [ "$(id -u)" -eq 0 ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
# more ranks than cores (the MPI tests use 2 on any machine)
export OMPI_MCA_rmaps_base_oversubscribe=1
