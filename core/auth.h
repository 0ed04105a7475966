/*
 * auth — password hashes (argon2id through libsodium) and random tokens.
 *
 * auth_init() must run once before any other call (it initialises
 * libsodium and is safe to call again).  Functions return 0 or -1; they
 * never log secrets.  Buffers are the caller's.
 */
#ifndef BMX_AUTH_H
#define BMX_AUTH_H

#include <stddef.h>

#define AUTH_HASH_MAX 128	/* crypto_pwhash_STRBYTES */
#define AUTH_PASSWORD_MIN 10
#define AUTH_PASSWORD_MAX 1024

int	auth_init(void);
/* Policy: AUTH_PASSWORD_MIN..MAX bytes; err gets the reason. */
int	auth_password_ok(const char *password, char *err, size_t errsz);
int	auth_hash_password(const char *password, char out[AUTH_HASH_MAX]);
/* 0 when password matches hash, -1 otherwise. */
int	auth_verify_password(const char *hash, const char *password);
/* nbytes of CSPRNG output as URL-safe base64 (no padding) into out. */
int	auth_random_token(char *out, size_t outsz, size_t nbytes);
/* Lower-case hex SHA-256 of s (65 bytes with NUL). */
void	auth_token_hash(const char *s, char out[65]);

#endif
