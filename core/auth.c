/*
 * auth — see auth.h.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "auth.h"

int
auth_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

int
auth_password_ok(const char *pw, char *err, size_t errsz)
{
	size_t n = pw != NULL ? strlen(pw) : 0;

	if (n < AUTH_PASSWORD_MIN) {
		snprintf(err, errsz, "the password needs at least %d characters",
		    AUTH_PASSWORD_MIN);
		return -1;
	}
	if (n > AUTH_PASSWORD_MAX) {
		snprintf(err, errsz, "the password is longer than %d characters",
		    AUTH_PASSWORD_MAX);
		return -1;
	}
	return 0;
}

int
auth_hash_password(const char *pw, char out[AUTH_HASH_MAX])
{
	return crypto_pwhash_str_alg(out, pw, strlen(pw),
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE,
	    crypto_pwhash_ALG_ARGON2ID13) == 0 ? 0 : -1;
}

int
auth_verify_password(const char *hash, const char *pw)
{
	if (hash == NULL || pw == NULL ||
	    strncmp(hash, "$argon2id$", 10) != 0)
		return -1;
	return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0 ? 0 : -1;
}

int
auth_random_token(char *out, size_t outsz, size_t nbytes)
{
	unsigned char raw[64];

	if (nbytes > sizeof(raw) || outsz < sodium_base64_ENCODED_LEN(nbytes,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING))
		return -1;
	randombytes_buf(raw, nbytes);
	sodium_bin2base64(out, outsz, raw, nbytes,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
	return 0;
}

void
auth_token_hash(const char *s, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, (const unsigned char *)s, strlen(s));
	sodium_bin2hex(out, 65, h, sizeof(h));
}
