/* The biology model's types: one row per injectable MSC population and per exosome source.
 * A new population or source is one row here; its parameters (keys -bio_<NAME>_..., -help,
 * range checks, doc/parameters.md), its species, injectable name and figures follow from it.
 * Document its values in doc/biology.md and doc/parameters.md. */
#include "biologyimpl.h"

#define T   PETSC_TRUE
#define F   PETSC_FALSE
#define ILL "illustrative (no measurement)"

/* Defaults per cell type, in the order of cell_type_rows below. Each value names its source
 * (short citations, expanded in doc/parameters.md, Sources); NULL: illustrative. Bit k of
 * 'measured' marks value k as measured or bracketed by measurements. The dose-response values
 * (thresholds and widths) are fitted to the published onsets and orderings: doc/biology.md §3. */
#define PAT    "Pattappa 2011 (chondrogenic MSC pellets 12 fmol/cell/h = Bibby law at 21 kPa)"
#define NAQ15  "Naqvi & Buckley 2015 (BMSC viability lost at 1 mM, kept at 5 mM glucose); value inside that bracket"
#define NAQ16  "Naqvi & Buckley 2016 (BMSC viability and matrix kept at pH 6.8, lost at 6.5)"
#define HAN    "Han 2014 (AMSC and NPMSC inhibited from pH 7.1 to 6.5, NPMSC less)"
#define HANW   "Han 2014 ordering (NPMSC less inhibited than AMSC); width illustrative"
#define WUE    "Wuertz 2008 (BMSC: no effect at 280, strong at 485 mOsm/kg)"
#define LIA    "Liang 2012 (AMSC: as Wuertz 2008, same media; no data separate AMSC from BMSC)"
#define TAO    "Tao 2013 (NPMSC: slight inhibition at 400 mOsm/kg); Han 2014 (less than AMSC)"
#define ASB    "BMSC value assumed: no AMSC measurement in disc-like media"
#define NAT    "native value assumed: NP-derived cells"
#define BIT(k) (1 << (k))
#define PL(d, a, b, src) {d, a, b, 0, src, F}
const BioCellType BioCellTypes[] = {
  {"BMSC", "bmsc", {1.0, 1.5, 1.5, 6.8, 0.3, 1.0, 300, 400, 0.01, 0.05, 0.5, 1.0},
   {[M_O2] = PAT, [M_GTH] = NAQ15, [M_PHTH] = NAQ16, [M_PHW] = NAQ16, [M_OSMTH] = WUE, [M_OSMW] = WUE},
   BIT(M_O2) | BIT(M_GTH) | BIT(M_PHTH) | BIT(M_PHW) | BIT(M_OSMTH) | BIT(M_OSMW),
   {[M_O2] = PL(DS_DIST_LOGUNIFORM, 1, 8.5, "Pattappa 2011: chondrogenic pellet to proliferating monolayer"), [M_GTH] = PL(DS_DIST_UNIFORM, 1, 5, "Naqvi & Buckley 2015 bracket"),
    [M_PHTH] = PL(DS_DIST_UNIFORM, 6.5, 6.8, "Naqvi & Buckley 2016 bracket"), [M_OSMTH] = PL(DS_DIST_UNIFORM, 280, 485, "Wuertz 2008 bracket")}},
  {"AMSC", "amsc", {1.0, 1.5, 1.5, 7.2, 0.9, 0.2, 300, 400, 0.01, 0.05, 0.5, 1.0},
   {[M_O2] = ASB, [M_GTH] = ASB, [M_PHTH] = HAN, [M_PHW] = HAN, [M_ACID] = HANW, [M_OSMTH] = LIA, [M_OSMW] = LIA},
   BIT(M_PHTH) | BIT(M_PHW) | BIT(M_OSMTH) | BIT(M_OSMW),
   {[M_PHTH] = PL(DS_DIST_UNIFORM, 7.1, 7.4, "Han 2014 bracket"), [M_OSMTH] = PL(DS_DIST_UNIFORM, 280, 485, "Liang 2012 bracket")}},
  {"NPMSC", "npmsc", {1.0, 1.0, 0.5, 7.2, 1.3, 0.1, 300, 800, 0.005, 0.05, 0.8, 0.5},
   {[M_O2] = NAT, [M_GLY] = NAT, [M_GTH] = NAT, [M_PHTH] = HAN, [M_PHW] = HANW, [M_ACID] = HANW, [M_OSMTH] = TAO, [M_OSMW] = TAO, [M_OSMD] = TAO,
    [M_MATRIX] = "Han 2014 ordering (NPMSC more aggrecan and collagen II than AMSC); factor illustrative"},
   BIT(M_PHTH) | BIT(M_OSMTH),
   {[M_PHTH] = PL(DS_DIST_UNIFORM, 7.1, 7.4, "Han 2014 bracket"), [M_OSMTH] = PL(DS_DIST_UNIFORM, 280, 400, "Tao 2013 bracket")}},
};
const PetscInt BioNumCellTypes = PETSC_STATIC_ARRAY_LENGTH(BioCellTypes);

/* Exosome sources: vesicle diameter [nm] (sets the hindered diffusivity, exosomes.c), uptake rate
 * [mm^3/(cell h)], clearance half-life [h], cargo half-life [h], largest effects of the cargo on
 * matrix synthesis, MMP production and cell death [1]. No measurement separates the four sources
 * in any of these (doc/biology.md, "Exosome sources"): only the potencies differ, and they are
 * illustrative, ranked from what each source's disc study reports. A new source is one row. */
#define EXO_SIZE  "illustrative: exosomes ~40-160 nm, mean ~100 nm (Kalluri & LeBleu 2020); no size separates this source"
#define EXO_CARGO "Kingston & Bartel 2019 (miRNA in cells: medians 11-34 h)"
const BioExoSource BioExoSources[] = {
  {"exo_bmsc", "BMSC exosomes", {100, 1e-5, 12, 24, 0.5, 0.5, 0.5}, {EXO_SIZE, NULL, NULL, EXO_CARGO}},          /* anti-apoptotic, less MMP, more AGC/COL II */
  {"exo_amsc", "AMSC exosomes", {100, 1e-5, 12, 24, 0.6, 0.3, 0.3}, {EXO_SIZE, NULL, NULL, EXO_CARGO}},          /* raise AGC, COL II, Sox-9 mRNA */
  {"exo_imsc", "iMSC exosomes", {100, 1e-5, 12, 24, 0.4, 0.4, 0.6}, {EXO_SIZE, NULL, NULL, EXO_CARGO}},          /* miR-105-5p, anti-senescence */
  {"exo_plmsc", "placenta-MSC exosomes", {100, 1e-5, 12, 24, 0.4, 0.6, 0.4}, {EXO_SIZE, NULL, NULL, EXO_CARGO}}, /* antagomiR-4450: MMP, synthesis, death */
};
const PetscInt BioNumExoSources = PETSC_STATIC_ARRAY_LENGTH(BioExoSources);

/* The rows every cell type gets; key and help are completed with the type's name. */
static const DSParam cell_type_rows[M_N] = {
  [M_O2]     = {"oxygen_factor", "1", "oxygen consumption relative to the Bibby law (healthy native cells = 1)", 0, 0, 100, F, ILL, T},
  [M_GLY]    = {"glycolysis_factor", "1", "glycolysis relative to the Bibby law", 0, 0, 100, F, ILL, T},
  [M_GTH]    = {"glucose_threshold", "mM", "death below this glucose", 0, 0, 5, F, ILL, T},
  [M_PHTH]   = {"pH_threshold", "1", "acid death, and the fall of proliferation and synthesis, below this pH", 0, 5, 7.4, F, ILL, T},
  [M_PHW]    = {"pH_width", "1", "proliferation and synthesis fall to 0 over this pH span below the pH threshold", 0.1, 0, 2, T, ILL, T},
  [M_ACID]   = {"acid_death_rate", "1/(day pH)", "death rate per pH unit below the pH threshold", 0, 0, 100, F, ILL, T},
  [M_OSMTH]  = {"osmolarity_threshold", "mOsm/kg", "osmotic death, and the fall of proliferation and synthesis, above this osmolarity", 300, 0, 2000, F, ILL, T},
  [M_OSMW]   = {"osmolarity_width", "mOsm/kg", "proliferation and synthesis fall to 0 over this span above the osmolarity threshold", 100, 0, 5000, T, ILL, T},
  [M_OSMD]   = {"osmotic_death_rate", "1/day", "death rate per 100 mOsm/kg above the osmolarity threshold", 0, 0, 100, F, ILL, T},
  [M_PROL]   = {"proliferation_rate", "1/day", "logistic proliferation rate (above both thresholds)", 0, 0, 10, F, ILL, T},
  [M_MATRIX] = {"matrix_factor", "1", "matrix synthesis per cell relative to a native cell", 0, 0, 10, F, ILL, T},
  [M_PARA]   = {"paracrine_potency", "1", "weight in the paracrine (anti-MMP, anti-cytokine) action", 0, 0, 10, F, ILL, T},
};

/* One generated row of a type or source: the template with the default 'value', the key
 * bio_<owner>_<template key> and the help "<label><sep><template help>", their text in 'text'
 * (2 x BIO_TEXT characters, owned by the model). */
PetscErrorCode BioGeneratedRow(const DSParam *tmpl, PetscReal value, const char owner[], const char label[], const char sep[], char *text, DSParam *p)
{
  char *key = text, *help = text + BIO_TEXT;

  PetscFunctionBeginUser;
  *p       = *tmpl;
  p->value = value;
  PetscCall(PetscSNPrintf(key, BIO_TEXT, "bio_%s_%s", owner, tmpl->key));
  PetscCall(PetscSNPrintf(help, BIO_TEXT, "%s%s%s", label, sep, tmpl->help));
  p->key = key, p->help = help;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode BioCellTypeParameters(Biology *b, DSParam rows[])
{
  PetscFunctionBeginUser;
  PetscCheck(BioNumCellTypes <= BIO_MAX_CELL_TYPES && BioNumExoSources <= BIO_MAX_EXO_SOURCES, PETSC_COMM_SELF, PETSC_ERR_SUP, "biology: at most %d cell types and %d exosome sources (BIO_MAX_*)",
             BIO_MAX_CELL_TYPES, BIO_MAX_EXO_SOURCES);
  PetscCall(PetscCalloc1(2 * BioNumCellTypes * M_N * BIO_TEXT, &b->text));
  for (PetscInt t = 0; t < BioNumCellTypes; t++)
    for (PetscInt k = 0; k < M_N; k++) {
      DSParam *p = &rows[t * M_N + k];
      PetscCall(BioGeneratedRow(&cell_type_rows[k], BioCellTypes[t].value[k], BioCellTypes[t].name, BioCellTypes[t].name, " ", b->text + 2 * (t * M_N + k) * BIO_TEXT, p));
      if (BioCellTypes[t].source[k]) p->source = BioCellTypes[t].source[k];
      p->illustrative = (BioCellTypes[t].measured & BIT(k)) ? F : T;
      p->plausible    = BioCellTypes[t].plausible[k];
    }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Cell types inject cells into their own species; each exosome source into its own pool's free
 * vesicles, <what>_free (doses in particles, or in ug of protein through -bio_particles_per_ug);
 * each protein factor into its own pool's carrier, <what>_depot (doses in ng). */
PetscErrorCode BioCreateInjectables(DSModel m, Biology *b)
{
  PetscInt n = 0;

  PetscFunctionBeginUser;
  for (PetscInt t = 0; t < BioNumCellTypes; t++, n++) {
    PetscCall(PetscSNPrintf(b->type_species[t], sizeof b->type_species[t], "cells_%s", BioCellTypes[t].name));
    PetscCall(PetscSNPrintf(b->type_label[t], sizeof b->type_label[t], "%s cells", BioCellTypes[t].name));
    b->injectables[n] = (DSInjectable){BioCellTypes[t].what, b->type_label[t], b->type_species[t], NULL};
  }
  for (PetscInt e = 0; e < BioNumExoSources; e++, n++) {
    PetscCall(PetscSNPrintf(b->exo_free_name[e], sizeof b->exo_free_name[e], "%s_free", BioExoSources[e].what));
    b->injectables[n] = (DSInjectable){BioExoSources[e].what, BioExoSources[e].label, b->exo_free_name[e], "bio_particles_per_ug"};
  }
  for (PetscInt f = 0; f < BioNumFactors; f++, n++) { /* into the carrier (depot), doses in ng */
    PetscCall(PetscSNPrintf(b->fac_depot_name[f], sizeof b->fac_depot_name[f], "%s_depot", BioFactors[f].what));
    b->injectables[n] = (DSInjectable){BioFactors[f].what, BioFactors[f].label, b->fac_depot_name[f], NULL};
  }
  m->injectables  = b->injectables;
  m->ninjectables = n;
  PetscFunctionReturn(PETSC_SUCCESS);
}
