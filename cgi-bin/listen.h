/*
 * listen — the panel's FastCGI listening socket, from cf.panel_listen.
 *
 *   unix:PATH        a Unix socket, mode 0660: only its owner and group
 *                    may connect.  The socket is a trust boundary: what
 *                    comes through it (REMOTE_ADDR, HTTPS) is believed,
 *                    so other local users must not reach it directly.
 *                    nginx's workers run with the socket's group (see
 *                    nginx/render.sh).  A stale socket from a crashed run
 *                    is removed; a live one (another panel) or a file
 *                    that is not a socket is an error, never deleted.
 *   127.0.0.1:PORT   loopback TCP (any 127/8 address).  A bare ":PORT"
 *                    would bind every interface and is refused, as is any
 *                    non-loopback address: FastCGI has no authentication.
 *
 * libfcgi's FCGX_OpenSocket() exit()s the process when bind or listen
 * fails, so the common failures (busy port, missing directory, live
 * socket) are checked here first and reported as ordinary errors.
 *
 * Errors: listen_open() returns -1 with a reason in err.
 * Memory: struct listener is the caller's.
 */
#ifndef BMX_LISTEN_H
#define BMX_LISTEN_H

#include <stddef.h>
#include <sys/types.h>

#define LISTEN_BACKLOG 256
#define LISTEN_PATH_MAX 108	/* sizeof(sun_path) on Linux */

struct listener {
	int	 fd;
	char	 path[LISTEN_PATH_MAX];	/* the Unix socket, "" for TCP */
	dev_t	 dev;
	ino_t	 ino;
};

int	listen_open(struct listener *l, const char *spec, char *err,
	    size_t errsz);
/* Stop accepting: every thread blocked in accept() returns an error. */
void	listen_shutdown(struct listener *l);
/* Close, and remove the socket file if it is still ours. */
void	listen_close(struct listener *l);

#endif
