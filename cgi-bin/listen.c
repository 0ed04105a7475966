/*
 * listen — open, shut and remove the FastCGI socket.  See listen.h.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "listen.h"
#include "util.h"

#define SOCKET_MODE 0660

/* Is something accepting connections on the Unix socket at path? */
static int
listen_unix_alive(const char *path)
{
	struct sockaddr_un sun;
	int fd, rc;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	util_strlcpy(sun.sun_path, path, sizeof(sun.sun_path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		return -1;
	rc = connect(fd, (struct sockaddr *)&sun, sizeof(sun));
	close(fd);
	if (rc == 0)
		return 1;
	return errno == ECONNREFUSED ? 0 : -1;
}

/* Remove a socket a crashed run left behind; refuse anything else. */
static int
listen_clear_stale(const char *path, char *err, size_t errsz)
{
	struct stat st;

	if (lstat(path, &st) == -1) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, errsz, "%s exists and is not a socket; "
		    "not removing it", path);
		return -1;
	}
	switch (listen_unix_alive(path)) {
	case 1:
		snprintf(err, errsz, "%s: another process is listening there",
		    path);
		return -1;
	case 0:
		if (unlink(path) == 0 || errno == ENOENT)
			return 0;
		/* FALLTHROUGH */
	default:
		snprintf(err, errsz, "%s: cannot replace the stale socket: %s",
		    path, strerror(errno));
		return -1;
	}
}

static int
listen_check_dir(const char *path, char *err, size_t errsz)
{
	char copy[LISTEN_PATH_MAX], *dir;

	util_strlcpy(copy, path, sizeof(copy));
	dir = dirname(copy);
	if (access(dir, W_OK | X_OK) == -1) {
		snprintf(err, errsz, "socket directory %s: %s", dir,
		    strerror(errno));
		return -1;
	}
	return 0;
}

static int
listen_unix(struct listener *l, const char *path, char *err, size_t errsz)
{
	struct sockaddr_un sun;
	struct stat st;
	mode_t old;

	if (*path == '\0' || strlen(path) >= sizeof(sun.sun_path) ||
	    strlen(path) >= sizeof(l->path)) {
		snprintf(err, errsz, "unix socket path empty or longer than %zu",
		    sizeof(sun.sun_path) - 1);
		return -1;
	}
	/* libfcgi reads "name:digits" as host:port. */
	if (strchr(path, ':') != NULL) {
		snprintf(err, errsz, "%s: a socket path may not contain ':'",
		    path);
		return -1;
	}
	if (listen_check_dir(path, err, errsz) == -1 ||
	    listen_clear_stale(path, err, errsz) == -1)
		return -1;
	old = umask(0777 & ~SOCKET_MODE);	/* no window with wider mode */
	l->fd = FCGX_OpenSocket(path, LISTEN_BACKLOG);
	umask(old);
	if (l->fd < 0 || chmod(path, SOCKET_MODE) == -1 ||
	    lstat(path, &st) == -1) {
		snprintf(err, errsz, "%s: cannot listen: %s", path,
		    strerror(errno));
		return -1;
	}
	util_strlcpy(l->path, path, sizeof(l->path));
	l->dev = st.st_dev;
	l->ino = st.st_ino;
	return 0;
}

/* "127.0.0.1:9000" into a loopback address and a port; -1 if not that. */
static int
listen_parse_tcp(const char *spec, struct sockaddr_in *sin)
{
	char host[INET_ADDRSTRLEN];
	const char *colon = strrchr(spec, ':'), *p;
	long port = 0;

	if (colon == NULL || colon == spec ||
	    (size_t)(colon - spec) >= sizeof(host) || colon[1] == '\0')
		return -1;
	memcpy(host, spec, (size_t)(colon - spec));
	host[colon - spec] = '\0';
	for (p = colon + 1; *p != '\0'; p++) {
		if (!isdigit((unsigned char)*p) || port > 65535)
			return -1;
		port = port * 10 + (*p - '0');
	}
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons((unsigned short)port);
	if (port < 1 || port > 65535 ||
	    inet_pton(AF_INET, host, &sin->sin_addr) != 1 ||
	    (ntohl(sin->sin_addr.s_addr) >> 24) != 127)
		return -1;
	return 0;
}

/* Try the bind ourselves: libfcgi would exit() on failure. */
static int
listen_tcp_free(const struct sockaddr_in *sin)
{
	int fd, on = 1, rc, saved;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	rc = bind(fd, (const struct sockaddr *)sin, sizeof(*sin));
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

static int
listen_tcp(struct listener *l, const char *spec, char *err, size_t errsz)
{
	struct sockaddr_in sin;
	char canon[INET_ADDRSTRLEN + 8], host[INET_ADDRSTRLEN];

	if (listen_parse_tcp(spec, &sin) == -1) {
		snprintf(err, errsz, "panel_listen \"%s\": want unix:PATH or "
		    "127.0.0.1:PORT (a loopback address and a port)", spec);
		return -1;
	}
	inet_ntop(AF_INET, &sin.sin_addr, host, sizeof(host));
	snprintf(canon, sizeof(canon), "%s:%u", host, ntohs(sin.sin_port));
	if (listen_tcp_free(&sin) == -1 ||
	    (l->fd = FCGX_OpenSocket(canon, LISTEN_BACKLOG)) < 0) {
		snprintf(err, errsz, "%s: cannot listen: %s", canon,
		    strerror(errno));
		return -1;
	}
	return 0;
}

int
listen_open(struct listener *l, const char *spec, char *err, size_t errsz)
{
	memset(l, 0, sizeof(*l));
	l->fd = -1;
	if (strncmp(spec, "unix:", 5) == 0)
		return listen_unix(l, spec + 5, err, errsz);
	return listen_tcp(l, spec, err, errsz);
}

void
listen_shutdown(struct listener *l)
{
	if (l->fd >= 0)
		shutdown(l->fd, SHUT_RDWR);
}

void
listen_close(struct listener *l)
{
	struct stat st;

	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
	if (l->path[0] != '\0' && lstat(l->path, &st) == 0 &&
	    st.st_dev == l->dev && st.st_ino == l->ino)
		unlink(l->path);
	l->path[0] = '\0';
}
