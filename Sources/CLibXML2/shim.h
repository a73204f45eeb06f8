// libxml2 for Swift: the streaming reader for feeds, the HTML parser for item bodies.
#include <libxml/xmlreader.h>
#include <libxml/parser.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/uri.h>
#include <libxml/xmlerror.h>

// xmlFree is a global function pointer variable, awkward from Swift.
static inline void cs_xml_free(void *p) { if (p) xmlFree(p); }
