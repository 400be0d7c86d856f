/* Exodus II output written with plain netCDF-C calls (no exodus library: Debian's PETSc is not
 * built with it). Dimension and variable names follow exodusII_int.h so that ParaView's IOSS
 * and ExodusII readers open the file. */
#include <netcdf.h>
#include <stdio.h>
#include "dsexodus.h"

#define DS_EX_NAME_LEN 64 /* maximum_name_length (Exodus allows up to 256): names are stored in len_name = 65 chars */
#define DS_EX_MAX_BLOCKS 3

/* Turn a netCDF status into a PETSc error that names the file and the failing call. */
#define DSNCCall(ex, call) \
  do { \
    int ds_nc_status_ = (call); \
    PetscCheck(ds_nc_status_ == NC_NOERR, PETSC_COMM_SELF, PETSC_ERR_LIB, "netCDF error on '%s': %s (in %s)", (ex)->path, nc_strerror(ds_nc_status_), #call); \
  } while (0)

struct _p_DSExodus {
  MPI_Comm    comm;
  PetscMPIInt rank, size;
  DSMesh      mesh;
  char        path[PETSC_MAX_PATH_LEN];
  int         ncid; /* rank 0 only; -1 when closed */
  PetscBool   created;
  PetscInt    nfields, nglobals, sectors;
  char      (*vnames)[DS_EX_NAME_LEN + 1], (*gnames)[DS_EX_NAME_LEN + 1];
  char      **vunits;

  /* Rank 0: the element blocks and, for each element (numbered block by block), its cell. */
  PetscInt  nblocks;
  DSRegion  block_region[DS_EX_MAX_BLOCKS];
  PetscInt  block_size[DS_EX_MAX_BLOCKS], block_start[DS_EX_MAX_BLOCKS + 1];
  PetscInt *elem_cell; /* natural cell index ((k*ny + j)*nx + i) */
  double   *buf;       /* one block of one variable */

  int    varid_time, varid_glo, *varid_elem; /* varid_elem[b * nfields + v] */
  size_t step;

  /* Gather of the fields to rank 0, one field at a time (the whole set on rank 0 was 66 MB of
   * the biology year's peak), created at the first step (the fields' DM is known then). */
  Vec        natural, field, gathered; /* all fields, natural order; one of them; it on rank 0 */
  VecScatter scatter;
};

/* The output grid: the mesh's cells as a 2D or 3D tensor grid of m[0] x m[1] x m[2] cells. The
 * slab (index direction 0 = z) becomes a one-cell-wide strip so that ParaView draws areas. */
typedef struct {
  PetscInt         ndim, m[3];
  const PetscReal *xf[3];
  PetscInt         sectors; /* > 0: the axisymmetric r-z grid revolved into m[2] = sectors sectors */
} DSExGrid;

static const PetscReal ds_ex_strip[2] = {0.0, 1.0}; /* mm */

static PetscErrorCode DSExodusGetGrid(DSMesh mesh, PetscInt sectors, DSExGrid *g)
{
  DSMeshType type;
  PetscInt   n[3];

  PetscFunctionBeginUser;
  PetscCall(DSMeshGetType(mesh, &type));
  PetscCall(DSMeshGetSizes(mesh, n));
  g->m[0] = g->m[1] = g->m[2] = 1;
  g->xf[2]                    = NULL;
  g->sectors                  = type == DS_MESH_AXISYMMETRIC ? sectors : 0;
  if (g->sectors) { /* (r, z) x angle: hexahedra, those at the axis with two edges collapsed */
    g->ndim = 3, g->m[0] = n[0], g->m[1] = n[1], g->m[2] = g->sectors;
    PetscCall(DSMeshGetFaceCoordinates(mesh, 0, &g->xf[0]));
    PetscCall(DSMeshGetFaceCoordinates(mesh, 1, &g->xf[1]));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  if (type == DS_MESH_SLAB || type == DS_MESH_WELL_MIXED) {
    g->ndim  = 2;
    g->xf[0] = ds_ex_strip;
    g->m[1]  = n[0];
    PetscCall(DSMeshGetFaceCoordinates(mesh, 0, &g->xf[1]));
  } else {
    g->ndim = type == DS_MESH_AXISYMMETRIC ? 2 : 3; /* 3d, image */
    for (PetscInt d = 0; d < g->ndim; d++) {
      g->m[d] = n[d];
      PetscCall(DSMeshGetFaceCoordinates(mesh, d, &g->xf[d]));
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Mesh cell (i, j, k) shown by output cell (a, b, c). */
static void DSExodusGridCell(const DSExGrid *g, PetscInt a, PetscInt b, PetscInt c, PetscInt idx[3])
{
  if (g->xf[0] == ds_ex_strip) idx[0] = b, idx[1] = 0, idx[2] = 0;
  else if (g->sectors) idx[0] = a, idx[1] = b, idx[2] = 0;
  else idx[0] = a, idx[1] = b, idx[2] = c;
}

/* Grid node numbers (0-based, x fastest) of a cell's corners: counter-clockwise quads, and
 * the standard HEX8 order (bottom face counter-clockwise seen from +z, then the top face). */
static PetscInt DSExodusCorners(const DSExGrid *g, PetscInt a, PetscInt b, PetscInt c, PetscInt node[8])
{
  const PetscInt off[8][3] = {
    {0, 0, 0},
    {1, 0, 0},
    {1, 1, 0},
    {0, 1, 0},
    {0, 0, 1},
    {1, 0, 1},
    {1, 1, 1},
    {0, 1, 1}
  };
  PetscInt npe = g->ndim == 3 ? 8 : 4, px = g->m[0] + 1, py = g->m[1] + 1;

  if (g->sectors) { /* (r, angle) is the base, z the height; the last sector closes on the first */
    for (PetscInt q = 0; q < 8; q++) node[q] = (a + off[q][0]) + px * ((b + off[q][2]) + py * ((c + off[q][1]) % g->sectors));
    return 8;
  }
  for (PetscInt q = 0; q < npe; q++) node[q] = (a + off[q][0]) + px * ((b + off[q][1]) + py * (c + off[q][2]));
  return npe;
}

static PetscErrorCode DSExodusPutName(DSExodus ex, int varid, size_t index, const char name[])
{
  char   padded[DS_EX_NAME_LEN + 1] = {0};
  size_t start[2] = {index, 0}, count[2] = {1, sizeof padded};

  PetscFunctionBeginUser;
  PetscCall(PetscStrncpy(padded, name, sizeof padded));
  DSNCCall(ex, nc_put_vara_text(ex->ncid, varid, start, count, padded));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSExodusPutTextAtt(DSExodus ex, int varid, const char name[], const char text[])
{
  size_t len;

  PetscFunctionBeginUser;
  PetscCall(PetscStrlen(text, &len));
  DSNCCall(ex, nc_put_att_text(ex->ncid, varid, name, len, text));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The unit as a name ending ParaView shows cleanly: "cells/mm^3" -> "cells_per_mm3", "1/h" ->
 * "per_h", "nmol/(mm^2 h)" -> "nmol_per_mm2_h" (tools/discsim_load.py has the same rule). */
static void DSExodusUnitTag(const char unit[], char tag[], size_t len)
{
  size_t n = 0;

  if (unit[0] == '1' && unit[1] == '/') unit++;
  for (; *unit && n + 6 < len; unit++) {
    if (*unit == '^' || *unit == '(' || *unit == ')') continue;
    if (*unit == '/') n += (size_t)snprintf(tag + n, len - n, "%s", n ? "_per_" : "per_");
    else tag[n++] = (*unit == ' ' || *unit == '*') ? '_' : *unit;
  }
  tag[n] = 0;
}

/* "<name>_<unit tag>", or "<name>" for dimensionless quantities; the unit itself is in the
 * variable's "units" attribute (element variables) and the CSV header (global ones). */
static PetscErrorCode DSExodusComposeName(const char name[], const char unit[], char out[DS_EX_NAME_LEN + 1])
{
  PetscBool dimensionless;
  char      full[256], tag[128];

  PetscFunctionBeginUser;
  PetscCheck(name && name[0], PETSC_COMM_SELF, PETSC_ERR_ARG_NULL, "every output variable needs a name");
  PetscCall(PetscStrcmp(unit ? unit : "1", "1", &dimensionless));
  if (dimensionless) PetscCall(PetscSNPrintf(full, sizeof full, "%s", name));
  else {
    DSExodusUnitTag(unit, tag, sizeof tag);
    PetscCall(PetscSNPrintf(full, sizeof full, "%s_%s", name, tag));
  }
  PetscCheck(strlen(full) <= DS_EX_NAME_LEN, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "output variable name '%s' is longer than the %d characters Exodus allows", full,
             DS_EX_NAME_LEN);
  PetscCall(PetscStrncpy(out, full, DS_EX_NAME_LEN + 1));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSExodusSetNames(DSExodus ex, const char *const names[], const char *const units[], const char *const gnames[], const char *const gunits[])
{
  PetscFunctionBeginUser;
  PetscCall(PetscCalloc1(ex->nfields, &ex->vnames));
  PetscCall(PetscCalloc1(ex->nfields, &ex->vunits));
  PetscCall(PetscCalloc1(ex->nglobals, &ex->gnames));
  for (PetscInt v = 0; v < ex->nfields; v++) {
    PetscCall(DSExodusComposeName(names[v], units ? units[v] : NULL, ex->vnames[v]));
    PetscCall(PetscStrallocpy(units && units[v] ? units[v] : "1", &ex->vunits[v]));
  }
  for (PetscInt v = 0; v < ex->nglobals; v++) PetscCall(DSExodusComposeName(gnames[v], gunits ? gunits[v] : NULL, ex->gnames[v]));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Rank 0: sort the active cells into blocks (NP, AF, CEP), mark the nodes they use and number
 * those from 1; nodeid[] is indexed by grid node and is 0 for unused nodes. */
static PetscErrorCode DSExodusNumber(DSExodus ex, const DSExGrid *g, PetscInt nodeid[], PetscInt *nnodes)
{
  PetscInt count[DS_NUM_REGIONS] = {0}, n[3], node[8];

  PetscFunctionBeginUser;
  PetscCall(DSMeshGetSizes(ex->mesh, n));
  for (PetscInt c = 0; c < g->m[2]; c++)
    for (PetscInt b = 0; b < g->m[1]; b++)
      for (PetscInt a = 0; a < g->m[0]; a++) {
        PetscInt idx[3], npe;
        DSRegion r;
        DSExodusGridCell(g, a, b, c, idx);
        PetscCall(DSMeshGetRegion(ex->mesh, idx[0], idx[1], idx[2], &r));
        if (r == DS_REGION_OUTSIDE) continue;
        count[r]++;
        npe = DSExodusCorners(g, a, b, c, node);
        for (PetscInt q = 0; q < npe; q++) nodeid[node[q]] = 1;
      }
  ex->nblocks        = 0;
  ex->block_start[0] = 0;
  for (PetscInt r = DS_REGION_NP; r < DS_NUM_REGIONS; r++) {
    if (!count[r]) continue;
    ex->block_region[ex->nblocks]    = (DSRegion)r;
    ex->block_size[ex->nblocks]      = count[r];
    ex->block_start[ex->nblocks + 1] = ex->block_start[ex->nblocks] + count[r];
    ex->nblocks++;
  }
  *nnodes = 0;
  for (PetscInt p = 0; p < (g->m[0] + 1) * (g->m[1] + 1) * (g->m[2] + 1); p++)
    if (nodeid[p]) nodeid[p] = ++(*nnodes);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Rank 0: connectivity (1-based node ids, block by block) and the cell of every element. */
static PetscErrorCode DSExodusConnect(DSExodus ex, const DSExGrid *g, const PetscInt nodeid[], int conn[])
{
  PetscInt n[3], node[8], e = 0, npe = g->ndim == 3 ? 8 : 4;

  PetscFunctionBeginUser;
  PetscCall(DSMeshGetSizes(ex->mesh, n));
  PetscCall(PetscMalloc1(ex->block_start[ex->nblocks], &ex->elem_cell));
  for (PetscInt blk = 0; blk < ex->nblocks; blk++)
    for (PetscInt c = 0; c < g->m[2]; c++)
      for (PetscInt b = 0; b < g->m[1]; b++)
        for (PetscInt a = 0; a < g->m[0]; a++) {
          PetscInt idx[3];
          DSRegion r;
          DSExodusGridCell(g, a, b, c, idx);
          PetscCall(DSMeshGetRegion(ex->mesh, idx[0], idx[1], idx[2], &r));
          if (r != ex->block_region[blk]) continue;
          ex->elem_cell[e] = (idx[2] * n[1] + idx[1]) * n[0] + idx[0];
          DSExodusCorners(g, a, b, c, node);
          for (PetscInt q = 0; q < npe; q++) conn[e * npe + q] = (int)nodeid[node[q]];
          e++;
        }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSExodusDefineGlobalAtts(DSExodus ex, const char title[])
{
  const float version = 8.03f;
  const int   wordsize = 8, filesize = 1, namelen = DS_EX_NAME_LEN;

  PetscFunctionBeginUser;
  DSNCCall(ex, nc_put_att_float(ex->ncid, NC_GLOBAL, "api_version", NC_FLOAT, 1, &version));
  DSNCCall(ex, nc_put_att_float(ex->ncid, NC_GLOBAL, "version", NC_FLOAT, 1, &version));
  DSNCCall(ex, nc_put_att_int(ex->ncid, NC_GLOBAL, "floating_point_word_size", NC_INT, 1, &wordsize));
  DSNCCall(ex, nc_put_att_int(ex->ncid, NC_GLOBAL, "file_size", NC_INT, 1, &filesize));
  DSNCCall(ex, nc_put_att_int(ex->ncid, NC_GLOBAL, "maximum_name_length", NC_INT, 1, &namelen));
  PetscCall(DSExodusPutTextAtt(ex, NC_GLOBAL, "title", title && title[0] ? title : "discsim"));
  PetscCall(DSExodusPutTextAtt(ex, NC_GLOBAL, "discsim_units", "time_whole in h (hours); coordinates in mm; a variable name ends with its unit ('/' written _per_, '^' left out; none: dimensionless); element variables carry the unit in their 'units' attribute"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Ids of the dimensions and of the variables written once, while the mesh is written. */
typedef struct {
  int name, time, dim, nodes, blk, evar, gvar, inblk[DS_EX_MAX_BLOCKS], npe[DS_EX_MAX_BLOCKS];
} DSExDims;
typedef struct {
  int coord[3], coor_names, eb_status, eb_prop1, eb_names, conn[DS_EX_MAX_BLOCKS], name_elem_var, elem_var_tab, name_glo_var;
} DSExVars;

/* Rank 0, define mode. len_string, len_line and four are unused here but expected by readers. */
static PetscErrorCode DSExodusDefineDims(DSExodus ex, const DSExGrid *g, PetscInt nnodes, DSExDims *d)
{
  int  unused;
  char nm[64];

  PetscFunctionBeginUser;
  DSNCCall(ex, nc_def_dim(ex->ncid, "len_string", DS_EX_NAME_LEN + 1, &unused));
  DSNCCall(ex, nc_def_dim(ex->ncid, "len_name", DS_EX_NAME_LEN + 1, &d->name));
  DSNCCall(ex, nc_def_dim(ex->ncid, "len_line", 81, &unused));
  DSNCCall(ex, nc_def_dim(ex->ncid, "four", 4, &unused));
  DSNCCall(ex, nc_def_dim(ex->ncid, "time_step", NC_UNLIMITED, &d->time));
  DSNCCall(ex, nc_def_dim(ex->ncid, "num_dim", (size_t)g->ndim, &d->dim));
  DSNCCall(ex, nc_def_dim(ex->ncid, "num_nodes", (size_t)nnodes, &d->nodes));
  DSNCCall(ex, nc_def_dim(ex->ncid, "num_elem", (size_t)ex->block_start[ex->nblocks], &unused));
  DSNCCall(ex, nc_def_dim(ex->ncid, "num_el_blk", (size_t)ex->nblocks, &d->blk));
  d->evar = d->gvar = -1;
  if (ex->nfields) DSNCCall(ex, nc_def_dim(ex->ncid, "num_elem_var", (size_t)ex->nfields, &d->evar));
  if (ex->nglobals) DSNCCall(ex, nc_def_dim(ex->ncid, "num_glo_var", (size_t)ex->nglobals, &d->gvar));
  for (PetscInt b = 0; b < ex->nblocks; b++) {
    PetscCall(PetscSNPrintf(nm, sizeof nm, "num_el_in_blk%" PetscInt_FMT, b + 1));
    DSNCCall(ex, nc_def_dim(ex->ncid, nm, (size_t)ex->block_size[b], &d->inblk[b]));
    PetscCall(PetscSNPrintf(nm, sizeof nm, "num_nod_per_el%" PetscInt_FMT, b + 1));
    DSNCCall(ex, nc_def_dim(ex->ncid, nm, g->ndim == 3 ? 8 : 4, &d->npe[b]));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Rank 0, define mode: coordinates, blocks and connectivity. */
static PetscErrorCode DSExodusDefineMesh(DSExodus ex, const DSExGrid *g, const DSExDims *d, DSExVars *v)
{
  const char *coord[3] = {"coordx", "coordy", "coordz"};
  int         dims[2];
  char        nm[64];

  PetscFunctionBeginUser;
  for (PetscInt k = 0; k < g->ndim; k++) DSNCCall(ex, nc_def_var(ex->ncid, coord[k], NC_DOUBLE, 1, &d->nodes, &v->coord[k]));
  dims[0] = d->dim, dims[1] = d->name;
  DSNCCall(ex, nc_def_var(ex->ncid, "coor_names", NC_CHAR, 2, dims, &v->coor_names));
  DSNCCall(ex, nc_def_var(ex->ncid, "eb_status", NC_INT, 1, &d->blk, &v->eb_status));
  DSNCCall(ex, nc_def_var(ex->ncid, "eb_prop1", NC_INT, 1, &d->blk, &v->eb_prop1));
  PetscCall(DSExodusPutTextAtt(ex, v->eb_prop1, "name", "ID"));
  dims[0] = d->blk;
  DSNCCall(ex, nc_def_var(ex->ncid, "eb_names", NC_CHAR, 2, dims, &v->eb_names));
  for (PetscInt b = 0; b < ex->nblocks; b++) {
    PetscCall(PetscSNPrintf(nm, sizeof nm, "connect%" PetscInt_FMT, b + 1));
    dims[0] = d->inblk[b], dims[1] = d->npe[b];
    DSNCCall(ex, nc_def_var(ex->ncid, nm, NC_INT, 2, dims, &v->conn[b]));
    PetscCall(DSExodusPutTextAtt(ex, v->conn[b], "elem_type", g->ndim == 3 ? "HEX8" : "QUAD4"));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Rank 0, define mode: time, element variables (every variable on every block) and globals. */
static PetscErrorCode DSExodusDefineResults(DSExodus ex, const DSExDims *d, DSExVars *v)
{
  int  dims[2], id;
  char nm[64];

  PetscFunctionBeginUser;
  DSNCCall(ex, nc_def_var(ex->ncid, "time_whole", NC_DOUBLE, 1, &d->time, &ex->varid_time));
  PetscCall(DSExodusPutTextAtt(ex, ex->varid_time, "units", "h"));
  v->name_elem_var = v->elem_var_tab = v->name_glo_var = ex->varid_glo = -1;
  if (ex->nfields) {
    dims[0] = d->evar, dims[1] = d->name;
    DSNCCall(ex, nc_def_var(ex->ncid, "name_elem_var", NC_CHAR, 2, dims, &v->name_elem_var));
    dims[0] = d->blk, dims[1] = d->evar;
    DSNCCall(ex, nc_def_var(ex->ncid, "elem_var_tab", NC_INT, 2, dims, &v->elem_var_tab));
  }
  PetscCall(PetscMalloc1(ex->nblocks * ex->nfields, &ex->varid_elem));
  for (PetscInt b = 0; b < ex->nblocks; b++)
    for (PetscInt f = 0; f < ex->nfields; f++) {
      PetscCall(PetscSNPrintf(nm, sizeof nm, "vals_elem_var%" PetscInt_FMT "eb%" PetscInt_FMT, f + 1, b + 1));
      dims[0] = d->time, dims[1] = d->inblk[b];
      DSNCCall(ex, nc_def_var(ex->ncid, nm, NC_DOUBLE, 2, dims, &id));
      PetscCall(DSExodusPutTextAtt(ex, id, "units", ex->vunits[f]));
      ex->varid_elem[b * ex->nfields + f] = id;
    }
  if (ex->nglobals) {
    dims[0] = d->gvar, dims[1] = d->name;
    DSNCCall(ex, nc_def_var(ex->ncid, "name_glo_var", NC_CHAR, 2, dims, &v->name_glo_var));
    dims[0] = d->time, dims[1] = d->gvar;
    DSNCCall(ex, nc_def_var(ex->ncid, "vals_glo_var", NC_DOUBLE, 2, dims, &ex->varid_glo));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Rank 0, data mode: coordinates of the used nodes. */
static PetscErrorCode DSExodusPutCoordinates(DSExodus ex, const DSExGrid *g, const PetscInt nodeid[], PetscInt nnodes, const DSExVars *v)
{
  double *x;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(nnodes, &x));
  for (PetscInt d = 0; d < g->ndim; d++) {
    PetscInt p = 0;
    for (PetscInt c = 0; c <= g->m[2]; c++)
      for (PetscInt b = 0; b <= g->m[1]; b++)
        for (PetscInt a = 0; a <= g->m[0]; a++, p++) {
          PetscInt ijk[3] = {a, b, c};
          if (!nodeid[p]) continue;
          if (g->sectors) { /* x = r cos(angle), y = r sin(angle), z */
            PetscReal angle = 2 * PETSC_PI * (PetscReal)c / (PetscReal)g->sectors;
            x[nodeid[p] - 1] = (double)(d == 2 ? g->xf[1][b] : g->xf[0][a] * (d == 0 ? PetscCosReal(angle) : PetscSinReal(angle)));
          } else x[nodeid[p] - 1] = (double)g->xf[d][ijk[d]];
        }
    DSNCCall(ex, nc_put_var_double(ex->ncid, v->coord[d], x));
  }
  PetscCall(PetscFree(x));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Rank 0, data mode: names, block properties and connectivity. */
static PetscErrorCode DSExodusPutMeshData(DSExodus ex, const DSExGrid *g, const int conn[], const DSExVars *v)
{
  const char *axis[3] = {"x", "y", "z"};
  int         one = 1, npe = g->ndim == 3 ? 8 : 4;

  PetscFunctionBeginUser;
  for (PetscInt d = 0; d < g->ndim; d++) PetscCall(DSExodusPutName(ex, v->coor_names, (size_t)d, axis[d]));
  for (PetscInt b = 0; b < ex->nblocks; b++) {
    size_t index = (size_t)b;
    int    id    = (int)ex->block_region[b]; /* NP 1, AF 2, CEP 3, whichever blocks are present */
    DSNCCall(ex, nc_put_var1_int(ex->ncid, v->eb_status, &index, &one));
    DSNCCall(ex, nc_put_var1_int(ex->ncid, v->eb_prop1, &index, &id));
    PetscCall(DSExodusPutName(ex, v->eb_names, index, DSRegionNames[ex->block_region[b]]));
    DSNCCall(ex, nc_put_var_int(ex->ncid, v->conn[b], conn + (size_t)ex->block_start[b] * npe));
    for (PetscInt f = 0; f < ex->nfields; f++) {
      size_t start[2] = {index, (size_t)f};
      DSNCCall(ex, nc_put_var1_int(ex->ncid, v->elem_var_tab, start, &one));
    }
  }
  for (PetscInt f = 0; f < ex->nfields; f++) PetscCall(DSExodusPutName(ex, v->name_elem_var, (size_t)f, ex->vnames[f]));
  for (PetscInt f = 0; f < ex->nglobals; f++) PetscCall(DSExodusPutName(ex, v->name_glo_var, (size_t)f, ex->gnames[f]));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Rank 0: define the file and write the mesh. */
static PetscErrorCode DSExodusWriteMesh(DSExodus ex, const char title[])
{
  DSExGrid  g;
  DSExDims  dims;
  DSExVars  vars;
  PetscInt *nodeid, nnodes = 0, npe;
  int      *conn;

  PetscFunctionBeginUser;
  PetscCall(DSExodusGetGrid(ex->mesh, ex->sectors, &g));
  npe = g.ndim == 3 ? 8 : 4;
  PetscCall(PetscCalloc1((g.m[0] + 1) * (g.m[1] + 1) * (g.m[2] + 1), &nodeid));
  PetscCall(DSExodusNumber(ex, &g, nodeid, &nnodes));
  PetscCheck(ex->nblocks > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONGSTATE, "the mesh has no cells in the disc: nothing to write to '%s'", ex->path);
  PetscCall(PetscMalloc1(ex->block_start[ex->nblocks] * npe, &conn));
  PetscCall(DSExodusConnect(ex, &g, nodeid, conn));
  PetscCall(DSExodusDefineGlobalAtts(ex, title));
  PetscCall(DSExodusDefineDims(ex, &g, nnodes, &dims));
  PetscCall(DSExodusDefineMesh(ex, &g, &dims, &vars));
  PetscCall(DSExodusDefineResults(ex, &dims, &vars));
  DSNCCall(ex, nc_enddef(ex->ncid));
  PetscCall(DSExodusPutCoordinates(ex, &g, nodeid, nnodes, &vars));
  PetscCall(DSExodusPutMeshData(ex, &g, conn, &vars));
  DSNCCall(ex, nc_sync(ex->ncid));
  PetscCall(PetscFree(conn));
  PetscCall(PetscFree(nodeid));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Rank 0: create the file; *exists reports that it was there already and overwrite is off
 * (NC_NOCLOBBER makes the check and the creation one atomic step). */
static PetscErrorCode DSExodusOpen(DSExodus ex, PetscBool overwrite, PetscBool *exists)
{
  int status;

  PetscFunctionBeginUser;
  status  = nc_create(ex->path, NC_64BIT_OFFSET | (overwrite ? NC_CLOBBER : NC_NOCLOBBER), &ex->ncid);
  *exists = (PetscBool)(status == NC_EEXIST);
  if (*exists) {
    ex->ncid = -1;
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  DSNCCall(ex, status);
  ex->created = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Rank 0 after a failure: drop the half-written file so that no unreadable output remains. */
static void DSExodusDiscard(DSExodus ex)
{
  if (ex->ncid >= 0) (void)nc_abort(ex->ncid);
  ex->ncid = -1;
  if (ex->created) (void)remove(ex->path);
  ex->created = PETSC_FALSE;
}

/* Make an error on rank 0 an error on every rank. Rank 0 re-raises its own (its message has
 * the netCDF details); the others raise a short one instead of hanging in the next collective. */
static PetscErrorCode DSExodusShareStatus(MPI_Comm comm, PetscMPIInt rank, PetscErrorCode ierr0, const char what[], const char path[])
{
  int failed = ierr0 != PETSC_SUCCESS;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Bcast(&failed, 1, MPI_INT, 0, comm));
  if (rank == 0) PetscCall(ierr0);
  PetscCheck(!failed, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "%s '%s' failed on rank 0", what, path);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSExodusCreate(DSMesh mesh, const char path[], PetscBool overwrite, const char title[], PetscInt nfields, const char *const names[],
                              const char *const units[], PetscInt nglobals, const char *const gnames[], const char *const gunits[], DSExodus *ex)
{
  PetscFunctionBeginUser;
  PetscCall(DSExodusCreateRevolved(mesh, path, overwrite, title, 0, nfields, names, units, nglobals, gnames, gunits, ex));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSExodusCreateRevolved(DSMesh mesh, const char path[], PetscBool overwrite, const char title[], PetscInt sectors, PetscInt nfields, const char *const names[],
                                      const char *const units[], PetscInt nglobals, const char *const gnames[], const char *const gunits[], DSExodus *ex)
{
  DSExodus       e;
  DM             dm;
  MPI_Comm       comm;
  PetscMPIInt    rank;
  PetscErrorCode ierr0  = PETSC_SUCCESS;
  PetscBool      exists = PETSC_FALSE;
  int            state  = 0; /* 0 written, 1 refused (file exists), 2 failed on rank 0 */

  PetscFunctionBeginUser;
  PetscCheck(ex, PETSC_COMM_SELF, PETSC_ERR_ARG_NULL, "DSExodusCreate() needs somewhere to return the writer");
  *ex = NULL;
  PetscCall(DSMeshGetDM(mesh, &dm));
  PetscCall(PetscObjectGetComm((PetscObject)dm, &comm));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCheck(nfields >= 0 && nglobals >= 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "negative number of output variables");
  PetscCheck(path && path[0], comm, PETSC_ERR_ARG_NULL, "no output file name");
  PetscCheck(strlen(path) < PETSC_MAX_PATH_LEN, comm, PETSC_ERR_ARG_OUTOFRANGE, "output file name is too long");
  PetscCall(PetscNew(&e));
  e->comm     = comm;
  e->rank     = rank;
  PetscCallMPI(MPI_Comm_size(comm, &e->size));
  e->mesh     = mesh;
  e->sectors  = sectors;
  e->ncid     = -1;
  e->nfields  = nfields;
  e->nglobals = nglobals;
  PetscCall(PetscStrncpy(e->path, path, sizeof e->path));
  PetscCall(DSExodusSetNames(e, names, units, gnames, gunits));
  if (rank == 0) {
    /* Not PetscCall: a failure here must first reach the other ranks (see below). */
    ierr0 = DSExodusOpen(e, overwrite, &exists);
    if (!ierr0 && !exists) ierr0 = DSExodusWriteMesh(e, title);
    if (ierr0) DSExodusDiscard(e);
    state = exists ? 1 : ierr0 ? 2 : 0;
  }
  PetscCallMPI(MPI_Bcast(&state, 1, MPI_INT, 0, comm));
  if (state) PetscCall(DSExodusDestroy(&e));
  PetscCheck(state != 1, comm, PETSC_ERR_FILE_OPEN, "output file '%s' exists: refusing to overwrite it (pass -output_overwrite to replace it)", path);
  if (rank == 0) PetscCall(ierr0); /* the netCDF details are in rank 0's message */
  PetscCheck(state != 2, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "creating '%s' failed on rank 0", path);
  *ex = e;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Rank 0, for a restart: the block structure from the mesh, the variables of the existing file
 * found by name and checked against this run's, and the step to continue from. */
static PetscErrorCode DSExodusAttach(DSExodus ex, size_t step)
{
  DSExGrid  g;
  PetscInt *nodeid, nnodes = 0;
  int      *conn, dimid, nvars = 0, ngvars = 0;
  size_t    nsteps, len;
  char      nm[64], name[DS_EX_NAME_LEN + 2] = {0};

  PetscFunctionBeginUser;
  DSNCCall(ex, nc_open(ex->path, NC_WRITE, &ex->ncid));
  PetscCall(DSExodusGetGrid(ex->mesh, ex->sectors, &g));
  PetscCall(PetscCalloc1((g.m[0] + 1) * (g.m[1] + 1) * (g.m[2] + 1), &nodeid));
  PetscCall(DSExodusNumber(ex, &g, nodeid, &nnodes));
  PetscCall(PetscMalloc1(ex->block_start[ex->nblocks] * (g.ndim == 3 ? 8 : 4), &conn));
  PetscCall(DSExodusConnect(ex, &g, nodeid, conn));
  PetscCall(PetscFree(conn));
  PetscCall(PetscFree(nodeid));
  DSNCCall(ex, nc_inq_dimid(ex->ncid, "num_elem", &dimid));
  DSNCCall(ex, nc_inq_dimlen(ex->ncid, dimid, &len));
  PetscCheck(len == (size_t)ex->block_start[ex->nblocks], PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "'%s' has %zu elements, this run's mesh %" PetscInt_FMT ": it is not this run's output", ex->path, len, ex->block_start[ex->nblocks]);
  DSNCCall(ex, nc_inq_dimid(ex->ncid, "time_step", &dimid));
  DSNCCall(ex, nc_inq_dimlen(ex->ncid, dimid, &nsteps));
  PetscCheck(nsteps >= step, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "'%s' has %zu time steps, fewer than the %zu written when the checkpoint was taken", ex->path, nsteps, step);
  if (nc_inq_dimid(ex->ncid, "num_elem_var", &dimid) == NC_NOERR && nc_inq_dimlen(ex->ncid, dimid, &len) == NC_NOERR) nvars = (int)len;
  if (nc_inq_dimid(ex->ncid, "num_glo_var", &dimid) == NC_NOERR && nc_inq_dimlen(ex->ncid, dimid, &len) == NC_NOERR) ngvars = (int)len;
  PetscCheck(nvars == ex->nfields && ngvars == ex->nglobals, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "'%s' has %d element and %d global variables, this run writes %" PetscInt_FMT " and %" PetscInt_FMT ": it is not this run's output", ex->path, nvars, ngvars, ex->nfields, ex->nglobals);
  DSNCCall(ex, nc_inq_varid(ex->ncid, "time_whole", &ex->varid_time));
  if (ex->nglobals) DSNCCall(ex, nc_inq_varid(ex->ncid, "vals_glo_var", &ex->varid_glo));
  PetscCall(PetscMalloc1(ex->nblocks * ex->nfields, &ex->varid_elem));
  for (PetscInt v = 0; v < ex->nfields; v++) {
    int    id;
    size_t start[2] = {(size_t)v, 0}, count[2] = {1, DS_EX_NAME_LEN + 1};
    DSNCCall(ex, nc_inq_varid(ex->ncid, "name_elem_var", &id));
    DSNCCall(ex, nc_get_vara_text(ex->ncid, id, start, count, name));
    PetscCheck(!strcmp(name, ex->vnames[v]), PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "element variable %" PetscInt_FMT " of '%s' is '%s', this run writes '%s': it is not this run's output", v + 1, ex->path, name, ex->vnames[v]);
    for (PetscInt b = 0; b < ex->nblocks; b++) {
      PetscCall(PetscSNPrintf(nm, sizeof nm, "vals_elem_var%" PetscInt_FMT "eb%" PetscInt_FMT, v + 1, b + 1));
      DSNCCall(ex, nc_inq_varid(ex->ncid, nm, &ex->varid_elem[b * ex->nfields + v]));
    }
  }
  ex->step = step;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSExodusReopen(DSMesh mesh, const char path[], PetscInt sectors, PetscInt step, PetscInt nfields, const char *const names[], const char *const units[], PetscInt nglobals, const char *const gnames[],
                              const char *const gunits[], DSExodus *ex)
{
  DSExodus       e;
  DM             dm;
  PetscErrorCode ierr0 = PETSC_SUCCESS;

  PetscFunctionBeginUser;
  *ex = NULL;
  PetscCall(DSMeshGetDM(mesh, &dm));
  PetscCall(PetscNew(&e));
  PetscCall(PetscObjectGetComm((PetscObject)dm, &e->comm));
  PetscCallMPI(MPI_Comm_rank(e->comm, &e->rank));
  PetscCallMPI(MPI_Comm_size(e->comm, &e->size));
  e->mesh = mesh, e->sectors = sectors, e->ncid = -1, e->nfields = nfields, e->nglobals = nglobals;
  PetscCall(PetscStrncpy(e->path, path, sizeof e->path));
  PetscCall(DSExodusSetNames(e, names, units, gnames, gunits));
  if (e->rank == 0) ierr0 = DSExodusAttach(e, (size_t)step); /* not PetscCall: see DSExodusShareStatus */
  if (ierr0 && e->ncid >= 0) (void)nc_close(e->ncid), e->ncid = -1;
  *ex = e; /* the caller destroys it, also on error */
  PetscCall(DSExodusShareStatus(e->comm, e->rank, ierr0, "continuing", path));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Collective, at the first step: the natural-ordered copy of the fields, one field of it and
 * that field's gather to rank 0. The scatter only depends on the layout: it serves every field
 * of every later step. */
static PetscErrorCode DSExodusSetUpGather(DSExodus ex, DM da)
{
  PetscInt n;

  PetscFunctionBeginUser;
  PetscCall(DMDACreateNaturalVector(da, &ex->natural));
  PetscCall(VecGetLocalSize(ex->natural, &n));
  PetscCall(VecCreateMPI(ex->comm, n / ex->nfields, PETSC_DETERMINE, &ex->field));
  PetscCall(VecScatterCreateToZero(ex->field, &ex->scatter, &ex->gathered));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The fields must be cell data of this mesh with one dof per output variable. */
static PetscErrorCode DSExodusCheckFields(DSExodus ex, Vec fields, DM *da)
{
  PetscInt dim, M, N, P, dof, mdim, n[3];

  PetscFunctionBeginUser;
  PetscCall(VecGetDM(fields, da));
  PetscCheck(*da, ex->comm, PETSC_ERR_ARG_WRONG, "the fields written to '%s' must be a Vec of a DMDA", ex->path);
  PetscCall(DMDAGetInfo(*da, &dim, &M, &N, &P, NULL, NULL, NULL, &dof, NULL, NULL, NULL, NULL, NULL));
  PetscCall(DSMeshGetDimension(ex->mesh, &mdim));
  PetscCall(DSMeshGetSizes(ex->mesh, n));
  PetscCheck(dim == mdim && M == n[0] && N == n[1] && P == n[2], ex->comm, PETSC_ERR_ARG_SIZ, "the fields written to '%s' are not on the mesh's grid", ex->path);
  PetscCheck(dof == ex->nfields, ex->comm, PETSC_ERR_ARG_SIZ, "the fields written to '%s' have %" PetscInt_FMT " components, the file has %" PetscInt_FMT " element variables", ex->path, dof,
             ex->nfields);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Rank 0's netCDF writes of one step: its time, each field v (cell c's value at g[c * stride]),
 * the global values and a sync. */
static PetscErrorCode DSExodusPutTime(DSExodus ex, PetscReal time_h)
{
  double t = (double)time_h;

  PetscFunctionBeginUser;
  DSNCCall(ex, nc_put_var1_double(ex->ncid, ex->varid_time, &ex->step, &t));
  if (!ex->buf) PetscCall(PetscMalloc1(ex->block_start[ex->nblocks], &ex->buf));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSExodusPutField(DSExodus ex, PetscInt v, const PetscScalar *g, PetscInt stride)
{
  PetscFunctionBeginUser;
  for (PetscInt b = 0; b < ex->nblocks; b++) {
    size_t start[2] = {ex->step, 0}, count[2] = {1, (size_t)ex->block_size[b]};
    for (PetscInt e = 0; e < ex->block_size[b]; e++) ex->buf[e] = PetscRealPart(g[ex->elem_cell[ex->block_start[b] + e] * stride]);
    DSNCCall(ex, nc_put_vara_double(ex->ncid, ex->varid_elem[b * ex->nfields + v], start, count, ex->buf));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DSExodusPutGlobals(DSExodus ex, const PetscReal globals[])
{
  PetscFunctionBeginUser;
  if (ex->nglobals) {
    size_t start[2] = {ex->step, 0}, count[2] = {1, (size_t)ex->nglobals};
    DSNCCall(ex, nc_put_vara_double(ex->ncid, ex->varid_glo, start, count, globals));
  }
  /* So that a run killed later still leaves a readable file with every step so far. */
  DSNCCall(ex, nc_sync(ex->ncid));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* One rank: the global ordering is the natural one. */
static PetscErrorCode DSExodusPutStep(DSExodus ex, PetscReal time_h, Vec natural, const PetscReal globals[])
{
  const PetscScalar *g;

  PetscFunctionBeginUser;
  PetscCall(DSExodusPutTime(ex, time_h));
  PetscCall(VecGetArrayRead(natural, &g));
  for (PetscInt v = 0; v < ex->nfields; v++) PetscCall(DSExodusPutField(ex, v, g + v, ex->nfields));
  PetscCall(VecRestoreArrayRead(natural, &g));
  PetscCall(DSExodusPutGlobals(ex, globals));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Several ranks: each field in turn is gathered to rank 0 and written there. Rank 0's netCDF
 * errors are not PetscCall'ed, so that every rank takes part in every gather; the first one is
 * returned in *ierr0 (see DSExodusShareStatus). */
static PetscErrorCode DSExodusGatherStep(DSExodus ex, PetscReal time_h, Vec fields, DM da, const PetscReal globals[], PetscErrorCode *ierr0)
{
  PetscFunctionBeginUser;
  if (!ex->scatter) PetscCall(DSExodusSetUpGather(ex, da));
  PetscCall(DMDAGlobalToNaturalBegin(da, fields, INSERT_VALUES, ex->natural));
  PetscCall(DMDAGlobalToNaturalEnd(da, fields, INSERT_VALUES, ex->natural));
  if (ex->rank == 0) *ierr0 = DSExodusPutTime(ex, time_h);
  for (PetscInt v = 0; v < ex->nfields; v++) {
    PetscCall(VecStrideGather(ex->natural, v, ex->field, INSERT_VALUES));
    PetscCall(VecScatterBegin(ex->scatter, ex->field, ex->gathered, INSERT_VALUES, SCATTER_FORWARD));
    PetscCall(VecScatterEnd(ex->scatter, ex->field, ex->gathered, INSERT_VALUES, SCATTER_FORWARD));
    if (ex->rank == 0 && !*ierr0) {
      const PetscScalar *g;
      PetscCall(VecGetArrayRead(ex->gathered, &g));
      *ierr0 = DSExodusPutField(ex, v, g, 1);
      PetscCall(VecRestoreArrayRead(ex->gathered, &g));
    }
  }
  if (ex->rank == 0 && !*ierr0) *ierr0 = DSExodusPutGlobals(ex, globals);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSExodusWriteStep(DSExodus ex, PetscReal time_h, Vec fields, const PetscReal globals[])
{
  DM             da;
  PetscErrorCode ierr0 = PETSC_SUCCESS;

  PetscFunctionBeginUser;
  PetscCall(DSExodusCheckFields(ex, fields, &da));
  PetscCheck(globals || !ex->nglobals, ex->comm, PETSC_ERR_ARG_NULL, "%" PetscInt_FMT " global values expected for '%s'", ex->nglobals, ex->path);
  if (ex->size == 1) ierr0 = DSExodusPutStep(ex, time_h, fields, globals); /* not PetscCall: see DSExodusShareStatus */
  else PetscCall(DSExodusGatherStep(ex, time_h, fields, da, globals, &ierr0));
  PetscCall(DSExodusShareStatus(ex->comm, ex->rank, ierr0, "writing a time step to", ex->path));
  ex->step++;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSExodusDestroy(DSExodus *ex)
{
  DSExodus e;

  PetscFunctionBeginUser;
  if (!ex || !*ex) PetscFunctionReturn(PETSC_SUCCESS);
  e   = *ex;
  *ex = NULL;
  if (e->ncid >= 0) DSNCCall(e, nc_close(e->ncid));
  PetscCall(VecScatterDestroy(&e->scatter));
  PetscCall(VecDestroy(&e->natural));
  PetscCall(VecDestroy(&e->field));
  PetscCall(VecDestroy(&e->gathered));
  for (PetscInt v = 0; v < e->nfields; v++) PetscCall(PetscFree(e->vunits[v]));
  PetscCall(PetscFree(e->vunits));
  PetscCall(PetscFree(e->vnames));
  PetscCall(PetscFree(e->gnames));
  PetscCall(PetscFree(e->varid_elem));
  PetscCall(PetscFree(e->elem_cell));
  PetscCall(PetscFree(e->buf));
  PetscCall(PetscFree(e));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode DSExodusGetNumSteps(DSExodus ex, PetscInt *nsteps)
{
  PetscFunctionBeginUser;
  *nsteps = (PetscInt)ex->step;
  PetscFunctionReturn(PETSC_SUCCESS);
}
