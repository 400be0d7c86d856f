/* Compatibility with the PETSc of Debian 12 (3.18), included first in every translation unit
 * through the build (meson.build: -include dscompat.h). */
#ifndef DSCOMPAT_H
#define DSCOMPAT_H
#if defined(__has_include)
  #if __has_include(<petscversion.h>)
    #include <petscversion.h>
    #if PETSC_VERSION_LT(3, 19, 0)
      #define PETSC_SUCCESS 0
    #endif
  #endif
#endif
#endif
