// hiredis for Swift (Debian 12: hiredis 0.14, RESP2 only, no TLS library). The reply types are
// macros; the shim gives them names Swift can match on.
#include <hiredis/hiredis.h>

static inline int cs_redis_reply_string(void) { return REDIS_REPLY_STRING; }
static inline int cs_redis_reply_array(void) { return REDIS_REPLY_ARRAY; }
static inline int cs_redis_reply_integer(void) { return REDIS_REPLY_INTEGER; }
static inline int cs_redis_reply_nil(void) { return REDIS_REPLY_NIL; }
static inline int cs_redis_reply_status(void) { return REDIS_REPLY_STATUS; }
static inline int cs_redis_reply_error(void) { return REDIS_REPLY_ERROR; }
static inline int cs_redis_ok(void) { return REDIS_OK; }
