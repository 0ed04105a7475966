/*
 * csrf — double-submit tokens for the panel's forms.
 *
 * Each form render draws a fresh random token, sets it as the cookie
 * CSRF_COOKIE (HttpOnly, SameSite=Strict, Path=/, Secure over HTTPS) and
 * puts the same value in the form's hidden field CSRF_FIELD.  A POST
 * handler accepts the form only when field and cookie are present and
 * equal; a cross-site page can neither read nor set the cookie.
 *
 * Errors: csrf_issue() returns 0, or -1 when no token could be made or
 * the cookie could not be set (the caller answers 500).
 * Memory: the token is written into the caller's buffer.
 */
#ifndef BMX_CSRF_H
#define BMX_CSRF_H

#include <stddef.h>

#include "http.h"

#define CSRF_COOKIE	"bmx_csrf"
#define CSRF_FIELD	"csrf"
#define CSRF_BYTES	32		/* of randomness */
#define CSRF_TOKEN_MAX	48		/* its base64url text, with NUL */

int	csrf_issue(struct req *r, char token[CSRF_TOKEN_MAX]);

#endif
