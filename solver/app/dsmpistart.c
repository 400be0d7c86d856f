#include <stdlib.h>
#include <mpi.h>
#include "dsmpistart.h"

/* Environment variables by which launchers (Open MPI's mpiexec, PMIx, PMI, Slurm, Hydra) tell a
 * process it is one rank of a job. */
static int DSLaunchedByLauncher(void)
{
  const char *vars[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE", "SLURM_PROCID", "HYDRA_CONTROL_FD"};
  for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
    if (getenv(vars[i])) return 1;
  return 0;
}

void DSMPIPrepareSingleton(void)
{
#if defined(OPEN_MPI) && OPEN_MPI
  if (DSLaunchedByLauncher()) return;
  /* no daemon: a singleton never spawns processes (discsim does not call MPI_Comm_spawn) */
  (void)setenv("OMPI_MCA_ess_singleton_isolated", "1", 0);
  /* one process needs no network transport: skip probing UCX */
  (void)setenv("OMPI_MCA_pml", "ob1", 0);
#endif
}
