/*
 * sess — who is asking: the panel's sign-in session on top of
 * core/store_session.c, and the CSRF rule for every POST.
 *
 * sess_load() reads the bmx_session cookie once per request and fills
 * r->sess / r->signed_in.  Pages that need a user call sess_require()
 * (answers a redirect to /login itself and returns -1 when there is
 * none); admin pages call sess_require_admin(), which answers 404 to
 * customers so admin routes do not even show they exist.
 *
 * CSRF: a signed-in form carries the session's own csrf token (bound to
 * the session, constant for its life); the sign-in form, before there is
 * a session, uses the double-submit cookie of csrf.h.  sess_post_ok()
 * checks whichever applies and answers 403 itself when it fails.
 */
#ifndef BMX_SESS_H
#define BMX_SESS_H

#include "form.h"
#include "http.h"
#include "store.h"

#define SESS_COOKIE "bmx_session"

void	sess_load(struct req *r);
int	sess_require(struct req *r);
int	sess_require_admin(struct req *r);
/* Parse the POST body into f and check its CSRF token; 0, or -1 with the
 * response (400 or 403) sent and f empty. */
int	sess_post(struct req *r, struct form *f);
/* Who acts, for the store and the audit log. */
void	sess_actor(const struct req *r, struct actor *a);
/* Start a session for a (renewing any old one); 0 or -1. */
int	sess_start(struct req *r, const struct account *a);
void	sess_end(struct req *r);

#endif
