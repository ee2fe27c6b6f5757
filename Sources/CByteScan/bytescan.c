// Everything is in the header (static inline); SwiftPM needs one source file for a C target.
#include "cbytescan.h"
