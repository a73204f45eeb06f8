// OpenSSL's libcrypto for Swift: SHA-256 through the EVP digest interface, for record uids and content
// hashes (CSCore's SHA256). Ownership: an EVP_MD_CTX from EVP_MD_CTX_new is freed with EVP_MD_CTX_free;
// the EVP_MD from EVP_MD_fetch is kept for the life of the process.
#include <openssl/crypto.h>
#include <openssl/evp.h>
