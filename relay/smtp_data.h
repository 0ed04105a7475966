/*
 * smtp_data — the DATA phase: read message text up to CRLF.CRLF, undo
 * dot-stuffing, and stream it into a spool file, in constant memory.
 *
 * Only CRLF ends a line.  A bare CR or bare LF never ends a line, so it
 * can never end the data (no SMTP smuggling); the message is read to its
 * real end and then refused (bare_eol set).  Lines longer than 1000
 * octets, more than `limit` octets of text and more than 30 Received:
 * headers are also flagged and refused after the end, so the session
 * stays in step with the client.
 */
#ifndef BMX_SMTP_DATA_H
#define BMX_SMTP_DATA_H

#include <stdint.h>

#include "conn.h"
#include "spool.h"

#define SMTP_TEXT_LINE_MAX 1000	/* octets with CRLF (RFC 5321 4.5.3.1.6) */
#define SMTP_MAX_RECEIVED 30

struct smtp_data_result {
	int64_t	size;		/* octets of text after unstuffing */
	int	bare_eol;	/* a bare CR or LF was seen */
	int	too_long;	/* a line over SMTP_TEXT_LINE_MAX */
	int	too_big;	/* more than the limit */
	int	received;	/* Received: headers counted */
	int	eight_bit;	/* octets >= 0x80 seen */
};

/*
 * Read the text into f (f may have a header already).  Returns CONN_OK at
 * the end of the data, or a conn error (timeout, EOF, stop) — the message
 * is then incomplete and the caller aborts it.
 */
int	smtp_data_read(struct conn *, struct spool_file *f, int64_t limit,
	    int timeout, struct smtp_data_result *);

#endif
