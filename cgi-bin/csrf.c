/*
 * csrf — token issue.  See csrf.h.
 */
#include "auth.h"
#include "csrf.h"

int
csrf_issue(struct req *r, char token[CSRF_TOKEN_MAX])
{
	if (auth_random_token(token, CSRF_TOKEN_MAX, CSRF_BYTES) == -1)
		return -1;
	return http_set_cookie(r, CSRF_COOKIE, token);
}
