-- backupmx database schema: every migration, oldest first.
--
-- Each block starts with a line "-- migration N: what" and moves the
-- database from user_version N-1 to N.  db_migrate() runs the blocks a
-- database has not seen yet, each in its own transaction together with
-- "PRAGMA user_version = N".  Never edit a block that has shipped: add one.
--
-- Times are INTEGER seconds since the epoch (UTC).  Domain names are stored
-- in lower-case A-label form; "idn" columns hold the Unicode form for
-- display.  The SQL stays portable where that costs nothing (a fleet will
-- run these tables on PostgreSQL).

-- migration 1: accounts, sessions, audit log
CREATE TABLE account (
	id		INTEGER PRIMARY KEY,
	name		TEXT NOT NULL UNIQUE,
	role		TEXT NOT NULL CHECK (role IN ('admin', 'customer')),
	pw_hash		TEXT NOT NULL,
	email		TEXT,
	created		INTEGER NOT NULL,
	updated		INTEGER NOT NULL,
	disabled	INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE session (
	id		INTEGER PRIMARY KEY,
	token_hash	TEXT NOT NULL UNIQUE,	-- hex SHA-256 of the cookie value
	account_id	INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
	csrf		TEXT NOT NULL,
	client		TEXT,
	created		INTEGER NOT NULL,
	last_seen	INTEGER NOT NULL,
	expires		INTEGER NOT NULL
);
CREATE INDEX session_account ON session(account_id);

-- Append-only: the database refuses UPDATE and DELETE on it.
CREATE TABLE audit_log (
	id		INTEGER PRIMARY KEY,
	at		INTEGER NOT NULL,
	account_id	INTEGER REFERENCES account(id) ON DELETE SET NULL,
	actor		TEXT NOT NULL,		-- account name, or "backupmxctl"
	client		TEXT,			-- address, or "local"
	action		TEXT NOT NULL,		-- e.g. "backupmx.add"
	object		TEXT NOT NULL,
	detail		TEXT
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- migration 2: portfolio, orders, BackupMX records, zones
CREATE TABLE domain (
	id		INTEGER PRIMARY KEY,
	name		TEXT NOT NULL UNIQUE,	-- A-label
	idn		TEXT NOT NULL,		-- U-label
	account_id	INTEGER NOT NULL REFERENCES account(id),
	external	INTEGER NOT NULL DEFAULT 0,	-- zone hosted elsewhere
	mailproxy	TEXT,			-- MailProxy host, if used
	created		INTEGER NOT NULL,
	updated		INTEGER NOT NULL
);
CREATE INDEX domain_account ON domain(account_id);

CREATE TABLE orders (
	id		INTEGER PRIMARY KEY,
	account_id	INTEGER NOT NULL REFERENCES account(id),
	status		TEXT NOT NULL CHECK (status IN
			    ('cart', 'completed', 'cancelled')),
	created		INTEGER NOT NULL,
	completed	INTEGER
);
CREATE INDEX orders_account ON orders(account_id);

CREATE TABLE order_line (
	id		INTEGER PRIMARY KEY,
	order_id	INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
	domain		TEXT NOT NULL,		-- A-label
	idn		TEXT NOT NULL,
	action		TEXT NOT NULL CHECK (action IN
			    ('domain', 'backupmx')),	-- new domain, or service only
	backupmx	INTEGER NOT NULL DEFAULT 0,	-- optional service switched on
	UNIQUE (order_id, domain)
);

CREATE TABLE backupmx (
	id		INTEGER PRIMARY KEY,
	domain_id	INTEGER NOT NULL UNIQUE REFERENCES domain(id),
	domain		TEXT NOT NULL UNIQUE,	-- A-label, what the relay matches
	idn		TEXT NOT NULL,
	active		INTEGER NOT NULL DEFAULT 1,
	created		INTEGER NOT NULL,
	updated		INTEGER NOT NULL,
	owner_id	INTEGER NOT NULL REFERENCES account(id),
	updater_id	INTEGER REFERENCES account(id),	-- NULL: backupmxctl
	-- extensions to the AutoDNS object
	delivery_host	TEXT,			-- host[:port]; NULL: use MX
	recipient_policy TEXT NOT NULL DEFAULT 'any'
			CHECK (recipient_policy IN ('any', 'list')),
	only_when_down	INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE backupmx_recipient (
	backupmx_id	INTEGER NOT NULL REFERENCES backupmx(id) ON DELETE CASCADE,
	address		TEXT NOT NULL,		-- lower-case; "*@domain" allowed
	PRIMARY KEY (backupmx_id, address)
);

CREATE TABLE zone_record (
	id		INTEGER PRIMARY KEY,
	domain_id	INTEGER NOT NULL REFERENCES domain(id) ON DELETE CASCADE,
	name		TEXT NOT NULL,		-- relative owner, "@" for apex
	type		TEXT NOT NULL CHECK (type IN
			    ('MX', 'A', 'AAAA', 'CNAME', 'TXT')),
	ttl		INTEGER NOT NULL,
	pref		INTEGER,		-- MX only
	value		TEXT NOT NULL,
	provisioned	INTEGER NOT NULL DEFAULT 0,	-- added by BackupMX
	created		INTEGER NOT NULL,
	updated		INTEGER NOT NULL
);
CREATE INDEX zone_record_domain ON zone_record(domain_id);

-- migration 3: the mail queue
CREATE TABLE queue_message (
	id		TEXT PRIMARY KEY,	-- queue id, also the spool file name
	node		TEXT NOT NULL,		-- myhostname of the relay that holds it
	domain		TEXT NOT NULL,		-- recipient domain (A-label)
	sender		TEXT NOT NULL,		-- "" for the null sender
	size		INTEGER NOT NULL,
	arrival		INTEGER NOT NULL,
	expires		INTEGER NOT NULL,
	client		TEXT,			-- sending host [ip]
	helo		TEXT,
	envid		TEXT,
	ret		TEXT CHECK (ret IN ('FULL', 'HDRS')),
	body8		INTEGER NOT NULL DEFAULT 0,	-- BODY=8BITMIME
	smtputf8	INTEGER NOT NULL DEFAULT 0,
	held		INTEGER NOT NULL DEFAULT 0,
	is_bounce	INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX queue_message_domain ON queue_message(domain);

CREATE TABLE queue_recipient (
	id		INTEGER PRIMARY KEY,
	message_id	TEXT NOT NULL REFERENCES queue_message(id) ON DELETE CASCADE,
	address		TEXT NOT NULL,
	orcpt		TEXT,
	notify		TEXT,			-- DSN NOTIFY= list
	state		TEXT NOT NULL DEFAULT 'queued' CHECK (state IN
			    ('queued', 'sent', 'bounced')),
	attempts	INTEGER NOT NULL DEFAULT 0,
	next_attempt	INTEGER NOT NULL,
	last_attempt	INTEGER,
	last_dsn	TEXT,			-- X.Y.Z
	last_error	TEXT
);
CREATE INDEX queue_recipient_message ON queue_recipient(message_id);
CREATE INDEX queue_recipient_next ON queue_recipient(state, next_attempt);

CREATE TABLE queue_attempt (
	id		INTEGER PRIMARY KEY,
	message_id	TEXT NOT NULL REFERENCES queue_message(id) ON DELETE CASCADE,
	address		TEXT NOT NULL,
	at		INTEGER NOT NULL,
	relay		TEXT,			-- host[ip]:port
	dsn		TEXT NOT NULL,
	status		TEXT NOT NULL CHECK (status IN
			    ('sent', 'deferred', 'bounced')),
	reply		TEXT
);
CREATE INDEX queue_attempt_message ON queue_attempt(message_id);

-- Operator and panel requests the relay picks up ("deliver now", delete).
CREATE TABLE queue_command (
	id		INTEGER PRIMARY KEY,
	verb		TEXT NOT NULL CHECK (verb IN
			    ('flush', 'delete', 'hold', 'release')),
	arg		TEXT,			-- domain, message id, or NULL
	requested	INTEGER NOT NULL,
	requester	TEXT NOT NULL,
	done		INTEGER
);

-- Reachability of delivery destinations, as the relay last saw it.
CREATE TABLE destination (
	name		TEXT PRIMARY KEY,	-- domain or host[:port]
	node		TEXT NOT NULL,
	last_probe	INTEGER,
	last_ok		INTEGER,
	last_result	TEXT,
	next_probe	INTEGER
);

-- migration 4: login throttling
-- One row per throttled key: "user:NAME" or "addr:IP".  Failures count
-- within a window; at the limit the key is locked until locked_until.
CREATE TABLE login_throttle (
	key		TEXT PRIMARY KEY,
	failures	INTEGER NOT NULL,
	first_failure	INTEGER NOT NULL,
	locked_until	INTEGER NOT NULL DEFAULT 0
);

-- migration 5: indexes for the scheduler's hot queries
CREATE INDEX queue_message_expires ON queue_message(node, expires);
CREATE INDEX queue_message_node_domain ON queue_message(node, domain);

-- migration 6: BackupMX management lists a customer's records by owner
CREATE INDEX backupmx_owner ON backupmx(owner_id, domain);

-- migration 7: zone serials, one row per managed zone that has changed
-- The SOA serial of a domain's zone (YYYYMMDDnn, only ever growing); a
-- zone that never changed has no row and exports with serial 1.
CREATE TABLE zone_serial (
	domain_id	INTEGER PRIMARY KEY REFERENCES domain(id) ON DELETE CASCADE,
	serial		INTEGER NOT NULL
);

-- migration 8: queue dashboards: history, counters, owner notifications
-- Hourly history per domain, kept 14 days (the relay prunes older rows):
-- queued/bytes are the latest sample the relay took in that hour,
-- delivered/bounced count recipients as their attempts are recorded.
CREATE TABLE queue_stat (
	domain		TEXT NOT NULL,
	hour		INTEGER NOT NULL,	-- start of the hour
	queued		INTEGER NOT NULL DEFAULT 0,
	bytes		INTEGER NOT NULL DEFAULT 0,
	delivered	INTEGER NOT NULL DEFAULT 0,
	bounced		INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (domain, hour)
);
CREATE INDEX queue_stat_hour ON queue_stat(hour);

-- Counters that only grow (Prometheus counters) and the last delivery.
CREATE TABLE queue_total (
	domain		TEXT PRIMARY KEY,
	delivered	INTEGER NOT NULL DEFAULT 0,
	bounced		INTEGER NOT NULL DEFAULT 0,
	last_delivery	INTEGER
);

-- Every recorded attempt that ends a recipient counts where it belongs.
CREATE TRIGGER queue_attempt_count AFTER INSERT ON queue_attempt
WHEN NEW.status IN ('sent', 'bounced')
BEGIN
	INSERT INTO queue_stat (domain, hour, delivered, bounced)
	SELECT m.domain, NEW.at - NEW.at % 3600, NEW.status = 'sent',
	    NEW.status = 'bounced' FROM queue_message m WHERE m.id =
	    NEW.message_id
	ON CONFLICT (domain, hour) DO UPDATE SET
	    delivered = delivered + excluded.delivered,
	    bounced = bounced + excluded.bounced;
	INSERT INTO queue_total (domain, delivered, bounced, last_delivery)
	SELECT m.domain, NEW.status = 'sent', NEW.status = 'bounced',
	    CASE WHEN NEW.status = 'sent' THEN NEW.at END FROM queue_message m
	    WHERE m.id = NEW.message_id
	ON CONFLICT (domain) DO UPDATE SET
	    delivered = delivered + excluded.delivered,
	    bounced = bounced + excluded.bounced,
	    last_delivery = coalesce(excluded.last_delivery, last_delivery);
END;

-- The owner is told when mail starts queuing for a domain (notify = 1).
ALTER TABLE backupmx ADD COLUMN notify INTEGER NOT NULL DEFAULT 1;
-- A domain whose owner was told that mail is queuing, until it drains.
CREATE TABLE queue_notice (
	domain		TEXT PRIMARY KEY,
	since		INTEGER NOT NULL,
	last_sent	INTEGER NOT NULL
);

-- The dashboards page a domain's queue by arrival and sum it up from the
-- index alone (count, bytes, oldest, first expiry, held); "deliver now"
-- looks up the domain's latest flush.
CREATE INDEX queue_message_domain_arrival ON queue_message(domain, arrival,
    expires, size, held);
CREATE INDEX queue_command_arg ON queue_command(arg, verb, requested);

-- migration 9: BackupMX Management sorted by creation or change, a page at
-- a time, without sorting the customer's records on every request
CREATE INDEX backupmx_owner_created ON backupmx(owner_id, created, domain);
CREATE INDEX backupmx_owner_updated ON backupmx(owner_id, updated, domain);

-- migration 10: queue_message_domain_arrival (migration 8) starts with the
-- domain too, so the plain domain index only cost every insert and delete
DROP INDEX queue_message_domain;

-- migration 11: how many BackupMX records each account has (owner_id 0:
-- all of them), kept by triggers, so a list page reads its total instead
-- of counting the customer's index on every request
CREATE TABLE backupmx_count (
	owner_id	INTEGER PRIMARY KEY,	-- account(id); 0: every account
	n		INTEGER NOT NULL
);
INSERT INTO backupmx_count (owner_id, n)
SELECT 0, count(*) FROM backupmx
UNION ALL
SELECT owner_id, count(*) FROM backupmx GROUP BY owner_id;
CREATE TRIGGER backupmx_count_insert AFTER INSERT ON backupmx BEGIN
	INSERT INTO backupmx_count (owner_id, n) VALUES (0, 1), (NEW.owner_id, 1)
	ON CONFLICT (owner_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER backupmx_count_delete AFTER DELETE ON backupmx BEGIN
	UPDATE backupmx_count SET n = n - 1 WHERE owner_id IN (0, OLD.owner_id);
END;
CREATE TRIGGER backupmx_count_owner AFTER UPDATE OF owner_id ON backupmx
WHEN OLD.owner_id <> NEW.owner_id BEGIN
	UPDATE backupmx_count SET n = n - 1 WHERE owner_id = OLD.owner_id;
	INSERT INTO backupmx_count (owner_id, n) VALUES (NEW.owner_id, 1)
	ON CONFLICT (owner_id) DO UPDATE SET n = n + 1;
END;

-- A search ("*7*") counts its matches in the customer's records from the
-- index alone: the owner's domain index also carries the U-label, which
-- halves the count's cost.  It replaces backupmx_owner (same leading
-- columns, so the sorted list uses it as before).
CREATE INDEX backupmx_owner_names ON backupmx(owner_id, domain, idn);
DROP INDEX backupmx_owner;

-- migration 12: the queue of each domain at a glance, kept up to date by
-- triggers in the transaction of every change, so the dashboards and
-- /metrics read one row per domain instead of summing its messages.  A
-- domain without queued mail has no row.  Oldest arrival and first expiry
-- are the first entries of a domain's indexes.
CREATE TABLE queue_domain (
	domain		TEXT PRIMARY KEY,
	messages	INTEGER NOT NULL,
	bytes		INTEGER NOT NULL,
	held		INTEGER NOT NULL	-- messages on hold
) WITHOUT ROWID;	-- one B-tree search per lookup, not two
INSERT INTO queue_domain (domain, messages, bytes, held)
SELECT domain, count(*), sum(size), sum(held) FROM queue_message
GROUP BY domain;

CREATE TRIGGER queue_domain_insert AFTER INSERT ON queue_message
BEGIN
	INSERT INTO queue_domain (domain, messages, bytes, held)
	VALUES (NEW.domain, 1, NEW.size, NEW.held)
	ON CONFLICT (domain) DO UPDATE SET messages = messages + 1,
	    bytes = bytes + excluded.bytes, held = held + excluded.held;
END;
CREATE TRIGGER queue_domain_delete AFTER DELETE ON queue_message
BEGIN
	UPDATE queue_domain SET messages = messages - 1,
	    bytes = bytes - OLD.size, held = held - OLD.held
	    WHERE domain = OLD.domain;
	DELETE FROM queue_domain WHERE domain = OLD.domain AND messages <= 0;
END;
CREATE TRIGGER queue_domain_update AFTER UPDATE OF domain, size, held
ON queue_message
BEGIN
	UPDATE queue_domain SET messages = messages - 1,
	    bytes = bytes - OLD.size, held = held - OLD.held
	    WHERE domain = OLD.domain;
	INSERT INTO queue_domain (domain, messages, bytes, held)
	VALUES (NEW.domain, 1, NEW.size, NEW.held)
	ON CONFLICT (domain) DO UPDATE SET messages = messages + 1,
	    bytes = bytes + excluded.bytes, held = held + excluded.held;
	DELETE FROM queue_domain WHERE domain = OLD.domain AND messages <= 0;
END;
-- A domain's messages a page at a time in the order of the domain page
-- (arrival, then id) straight from the index, with what sorting by size
-- and the next attempt of unheld mail need; the summary above took over
-- the sums the old index covered.
DROP INDEX queue_message_domain_arrival;
CREATE INDEX queue_message_domain_page ON queue_message(domain, arrival, id,
    size, held);
CREATE INDEX queue_message_domain_expires ON queue_message(domain, expires);
-- The history as a table clustered by (domain, hour), so that a chart of
-- many domains reads each one's hours in a row instead of seeking every
-- row from the key's index.  The copy keeps the table's name: renamed
-- the legacy way, which leaves queue_attempt_count (it names queue_stat)
-- as it is.
CREATE TABLE queue_stat_new (
	domain		TEXT NOT NULL,
	hour		INTEGER NOT NULL,	-- start of the hour
	queued		INTEGER NOT NULL DEFAULT 0,
	bytes		INTEGER NOT NULL DEFAULT 0,
	delivered	INTEGER NOT NULL DEFAULT 0,
	bounced		INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (domain, hour)
) WITHOUT ROWID;
INSERT INTO queue_stat_new (domain, hour, queued, bytes, delivered, bounced)
SELECT domain, hour, queued, bytes, delivered, bounced FROM queue_stat;
DROP TABLE queue_stat;
PRAGMA legacy_alter_table = ON;
ALTER TABLE queue_stat_new RENAME TO queue_stat;
PRAGMA legacy_alter_table = OFF;
CREATE INDEX queue_stat_hour ON queue_stat(hour);
