// zlib for Swift: cs-enrich reads FIRST's EPSS file through gzopen/gzread, which take gzip and plain
// files alike. Ownership: a gzFile from gzopen is closed with gzclose, whose result tells whether the
// stream ended cleanly.
#include <zlib.h>
