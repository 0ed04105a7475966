/*
 * dsn — RFC 3464 delivery status notifications: a multipart/report
 * message (RFC 6522) with a human-readable part, a message/delivery-status
 * part (per-message fields, then per-recipient fields) and the original
 * message's headers as text/rfc822-headers.
 *
 * dsn_build() only composes text; queuing the result (from the null
 * sender, to the original sender) is the caller's job.  Output uses CRLF
 * line ends and no line longer than 998 octets; it is ready for the spool
 * (not dot-stuffed).
 * Errors: -1 with a reason in err (DSN_ERR_MAX) when the original cannot
 * be read; the caller retries later (a DSN is never sent half-built).
 * (Clarified with the implementation: -1 also for arguments no caller
 * should pass — no recipient, an empty or NULL address, an empty, NULL
 * or over-long (VALID_ADDR_MAX) sender, an action other than
 * failed/delayed/delivered/relayed/expanded, a reporting_mta with
 * characters a host name cannot have.  On -1 nothing is appended.)
 * Memory: the result is appended to the caller's sbuf.
 *
 * 7-bit (the relay sends with libcurl, which never says BODY=8BITMIME):
 * the report parts are always 7-bit.  Addresses that are not plain ASCII
 * go into the status part in RFC 6533's 7-bit utf-8-addr-xtext form
 * ("utf-8; j\x{F6}rg@example"), so the part stays message/delivery-status
 * (not message/global-delivery-status), which every DSN parser knows; the
 * human part turns utf-8 quoted-printable when it names such an address;
 * original headers with 8-bit octets, NULs, bare CRs or lines over 998
 * octets are attached in quoted-printable (decoding gives them back
 * exactly).  Only the top-level To: field carries raw UTF-8 (RFC 6532),
 * and only when the sender's own address is UTF-8: such a report can only
 * be sent with SMTPUTF8 anyway.
 * Not done: RET=FULL (only the headers are ever returned), NOTIFY (the
 * caller decides whether to report), Will-Retry-Until (not in the struct).
 */
#ifndef BMX_DSN_H
#define BMX_DSN_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define DSN_ERR_MAX 256

struct dsn_rcpt {
	const char	*address;	/* Final-Recipient (rfc822;address) */
	const char	*orcpt;		/* Original-Recipient as received via
					   ORCPT= ("rfc822;a@b", xtext), or NULL */
	const char	*action;	/* "failed", "delayed", "delivered" */
	const char	*status;	/* "5.1.1" */
	const char	*remote_mta;	/* host name, or NULL */
	const char	*diagnostic;	/* remote reply text ("550 5.1.1 ..."),
					   or our own reason; NULL when none */
	int64_t		 last_attempt;	/* 0: never tried */
};

struct dsn_msg {
	const char	*reporting_mta;	/* our myhostname */
	const char	*queue_id;	/* X-Backupmx-Queue-ID of the original */
	const char	*envid;		/* Original-Envelope-Id, or NULL */
	const char	*sender;	/* original envelope sender */
	const char	*client;	/* Received-From-MTA: "dns; helo [ip]" */
	int64_t		 arrival;	/* Arrival-Date */
	int64_t		 now;		/* Date: of the report */
};

/*
 * Compose the report for n recipients of one message whose spooled text
 * (headers are read up to the first empty line) is at orig_path.  The
 * report's own headers: From: Mail Delivery System
 * <MAILER-DAEMON@reporting_mta>, To: <sender>, a Subject that says what
 * happened ("Undelivered Mail Returned to Sender" or "Delayed Mail (still
 * being retried)", or "Successful Mail Delivery Report" when every
 * recipient was delivered), Date, Message-ID, MIME-Version, Auto-Submitted:
 * auto-replied (RFC 3834), Content-Type multipart/report;
 * report-type=delivery-status with a random boundary.
 */
int	dsn_build(const struct dsn_msg *, const struct dsn_rcpt *, size_t n,
	    const char *orig_path, struct sbuf *out, char *err);

#endif
