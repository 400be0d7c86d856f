#ifndef DSMPISTART_H
#define DSMPISTART_H
/* Call before PetscInitialize: a process started without a launcher (no mpiexec, no srun) is an
 * MPI singleton on one machine. Open MPI 4.1 then starts a helper daemon and probes the UCX
 * network layer, 0.43 s of MPI_Init and 0.06 s of MPI_Finalize on this machine; isolated and
 * with the ob1/shared-memory layer the two take 0.06 s (doc/performance.md). Settings the user
 * gave (OMPI_MCA_* in the environment) win; launched processes and other MPI libraries are left
 * alone. */
void DSMPIPrepareSingleton(void);
#endif
