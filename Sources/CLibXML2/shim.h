// libxml2 for Swift: the streaming reader for feeds, the HTML parser for item bodies.

// Debian's libxml2 is built with ICU, and encoding.h then pulls in ICU's headers. A program that also
// imports Foundation (tests do) gets Foundation's own copy of ICU, and clang rejects the two differing
// definitions of UErrorCode. cs never touches the ICU members (the last two fields of
// xmlCharEncodingHandler, only ever used through pointers), so the ICU part is left out of this module.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/xmlreader.h>
#include <libxml/parser.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/uri.h>
#include <libxml/xmlerror.h>

// xmlFree is a global function pointer variable, awkward from Swift.
static inline void cs_xml_free(void *p) { if (p) xmlFree(p); }

// libxml2 prints some errors (encoding conversion, I/O) through its generic handler straight to stderr even
// while a structured handler is set. The stages report problems themselves, in their log format (a raw line
// in a --log-format json stream breaks its readers; found by fuzz-feed), so that handler is silenced.
static inline void cs_xml_ignore_generic_error(void *ctx, const char *msg, ...) { (void)ctx; (void)msg; }
static inline void cs_xml_silence_generic_errors(void) { xmlSetGenericErrorFunc(NULL, cs_xml_ignore_generic_error); }
