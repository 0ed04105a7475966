/*
 * conn — one SMTP connection's buffered I/O, in clear or under TLS
 * (OpenSSL), with timeouts and a stop flag that ends every wait.
 *
 * Replies are buffered and sent when the session next waits for input
 * (conn_fill), so pipelined commands get their replies in one write
 * (RFC 2920).  Reads wait at most `timeout` seconds in total and wake
 * every 250 ms to look at *stop.
 *
 * Errors: negative enum conn_rc values; the connection is then unusable
 * except for a last conn_write of a 421.  A struct conn belongs to one
 * session thread.
 */
#ifndef BMX_CONN_H
#define BMX_CONN_H

#include <stddef.h>

#include <openssl/ssl.h>

#define CONN_RBUF 16384
#define CONN_WBUF 4096

enum conn_rc {
	CONN_OK = 1,
	CONN_EOF = 0,
	CONN_ERROR = -1,
	CONN_TIMEOUT = -2,
	CONN_STOP = -3,
	CONN_TOOLONG = -4	/* line over the limit: discarded to its end */
};

struct conn {
	int		 fd;
	SSL		*ssl;
	const int	*stop;		/* set by the daemon on SIGTERM */
	size_t		 rpos, rlen;
	size_t		 wlen;
	int		 werr;
	char		 rbuf[CONN_RBUF];
	char		 wbuf[CONN_WBUF];
};

void	conn_init(struct conn *, int fd, const int *stop);
void	conn_close(struct conn *);

/* Bytes received but not yet consumed. */
size_t	conn_pending(const struct conn *);
/* Drop everything received but not consumed (STARTTLS, CVE-2011-0411). */
void	conn_discard(struct conn *);

/* Flush replies, then read more; CONN_OK, CONN_EOF or an error. */
int	conn_fill(struct conn *, int timeout);

/*
 * Next line ending in CRLF, without it, NUL-terminated in line (max
 * bytes including the CRLF).  A bare LF ends the line too but sets
 * *bare; a longer line is consumed to its end and gives CONN_TOOLONG.
 * The whole line must arrive within timeout seconds (one deadline, not
 * one per read), so a client dribbling octets still gets CONN_TIMEOUT.
 */
int	conn_getline(struct conn *, char *line, size_t max, size_t *len,
	    int *bare, int timeout);

/* Buffer output; conn_flush() sends it.  -1 once the peer is gone. */
int	conn_write(struct conn *, const char *, size_t);
int	conn_reply(struct conn *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
int	conn_flush(struct conn *);

/* Server side TLS handshake on this connection; 0 or -1. */
int	conn_starttls(struct conn *, SSL_CTX *, int timeout);

#endif
