#include "dsregion.h"

const char *const DSRegionNames[DS_NUM_REGIONS]      = {"outside", "NP", "AF", "CEP"};
const char *const DSFaceKindNames[DS_NUM_FACE_KINDS] = {"interior", "vertebra", "af_outer", "bone", "axis"};
