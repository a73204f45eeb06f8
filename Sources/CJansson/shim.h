// jansson for Swift. Ownership rule used throughout cs: a function named *_new or a json_loads*
// result is a new reference that someone must json_decref; json_object_get / json_array_get
// return borrowed references. Swift code goes through CSCore/JSON.swift, which owns this rule.
#include <jansson.h>

// Type tests are macros in jansson.h; Swift cannot see them.
static inline int cs_json_typeof(const json_t *j) { return j ? (int)json_typeof(j) : -1; }
static inline json_t *cs_json_bool(int v) { return v ? json_true() : json_false(); }
