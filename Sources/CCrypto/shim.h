#ifndef EDDY_CCRYPTO_SHIM_H
#define EDDY_CCRYPTO_SHIM_H
// MD5() is deprecated in OpenSSL 3 but it is exactly what Kinesis hashes partition keys with.
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/md5.h>
#include <openssl/hmac.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/rand.h>
#endif
