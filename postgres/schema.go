package postgres

// migrations are applied in order, all pending ones in one transaction
// under an advisory lock; the version is the row of schema_version.
// Append, never edit. The concepts are SQLite's (sqlite/db.go); the types
// are PostgreSQL's own: identity keys, timestamptz for the times the
// store sets, boolean flags, jsonb for the batches' JSON. Numbers collate
// "C" (bytes), so that lists are in the same order as on SQLite whatever
// the database's locale. Dates a proposal carries (submitted, replied)
// stay text: an office's files give them partly or not at all.
var migrations = []string{
	`CREATE TABLE categories (
		id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
		code  text NOT NULL UNIQUE,
		name  text NOT NULL UNIQUE,
		scope text NOT NULL DEFAULT ''
	);
	CREATE TABLE units (
		id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
		name   text NOT NULL UNIQUE,
		kind   text NOT NULL DEFAULT '',
		duties text NOT NULL DEFAULT ''
	);
	CREATE TABLE unit_aliases (
		alias   text PRIMARY KEY,
		unit_id bigint NOT NULL REFERENCES units(id) ON DELETE CASCADE
	);
	CREATE INDEX unit_aliases_unit ON unit_aliases(unit_id);
	CREATE TABLE proposals (
		id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
		number         text COLLATE "C" NOT NULL UNIQUE CHECK (number <> ''),
		written_number text NOT NULL DEFAULT '',
		year           integer NOT NULL DEFAULT 0,
		session        text NOT NULL DEFAULT '',
		title          text NOT NULL,
		body           text NOT NULL DEFAULT '',
		proposer       text NOT NULL DEFAULT '',
		proposer_type  text NOT NULL DEFAULT '' CHECK (proposer_type IN ('', '委员', '集体')),
		sector         text NOT NULL DEFAULT '',
		category_id    bigint REFERENCES categories(id),
		status         text NOT NULL DEFAULT '' CHECK (status IN ('', '立案', '不予立案', '并案')),
		status_reason  text NOT NULL DEFAULT '',
		merged_into    text COLLATE "C" NOT NULL DEFAULT '',
		reply          text NOT NULL DEFAULT '',
		submitted      text NOT NULL DEFAULT '',
		reply_date     text NOT NULL DEFAULT '',
		not_proposal   boolean NOT NULL DEFAULT false,
		created_at     timestamptz NOT NULL,
		updated_at     timestamptz NOT NULL
	);
	CREATE INDEX proposals_year_number ON proposals(year, number);
	CREATE INDEX proposals_category_number ON proposals(category_id, number);
	CREATE INDEX proposals_year_category_number ON proposals(year, category_id, number);
	CREATE INDEX proposals_merged_into ON proposals(merged_into) WHERE merged_into <> '';
	CREATE INDEX proposals_stats ON proposals(year, not_proposal, proposer_type, sector, category_id, status);
	CREATE TABLE routings (
		proposal_id bigint NOT NULL REFERENCES proposals(id) ON DELETE CASCADE,
		unit_id     bigint NOT NULL REFERENCES units(id),
		role        text NOT NULL CHECK (role IN ('lead', 'co')),
		ord         integer NOT NULL,
		PRIMARY KEY (proposal_id, unit_id)
	);
	CREATE INDEX routings_unit ON routings(unit_id);
	CREATE TABLE changes (
		seq    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
		number text NOT NULL,
		op     text NOT NULL CHECK (op IN ('upsert', 'delete')),
		at     timestamptz NOT NULL
	);
	CREATE TABLE feedback (
		id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
		number        text NOT NULL DEFAULT '',
		kind          text NOT NULL CHECK (kind IN ('category', 'lead_unit', 'co_unit')),
		suggested     text NOT NULL DEFAULT '',
		chosen        text NOT NULL,
		accepted      boolean NOT NULL,
		text          text NOT NULL DEFAULT '',
		model_version text NOT NULL DEFAULT '',
		actor         text NOT NULL,
		at            timestamptz NOT NULL
	);
	CREATE TABLE audit (
		id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
		at     timestamptz NOT NULL,
		actor  text NOT NULL,
		action text NOT NULL,
		target text NOT NULL DEFAULT '',
		detail text NOT NULL DEFAULT ''
	);
	CREATE TABLE batches (
		id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
		file           text NOT NULL,
		actor          text NOT NULL,
		at             timestamptz NOT NULL,
		rows           integer NOT NULL DEFAULT 0,
		added          integer NOT NULL DEFAULT 0,
		updated        integer NOT NULL DEFAULT 0,
		unchanged      integer NOT NULL DEFAULT 0,
		rejected       integer NOT NULL DEFAULT 0,
		not_proposals  integer NOT NULL DEFAULT 0,
		new_categories jsonb NOT NULL DEFAULT '[]',
		new_units      jsonb NOT NULL DEFAULT '[]',
		undone_at      timestamptz,
		undone_by      text NOT NULL DEFAULT ''
	);
	CREATE TABLE batch_items (
		batch_id   bigint NOT NULL REFERENCES batches(id),
		number     text NOT NULL,
		action     text NOT NULL CHECK (action IN ('added', 'updated')),
		before     jsonb,
		after_hash text NOT NULL,
		PRIMARY KEY (batch_id, number)
	);
	CREATE INDEX batch_items_number ON batch_items(number, batch_id);`,
	// tokens and browser sessions (only hashes of their secrets), curated
	// groups with their versioned years and the grouping tuning, and the
	// committee's words, as sqlite keeps them (sqlite/db.go), in one step
	`CREATE TABLE tokens (
		id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
		name       text NOT NULL,
		role       text NOT NULL CHECK (role IN ('member', 'reviewer', 'staff', 'admin')),
		hash       text NOT NULL UNIQUE,
		created_at timestamptz NOT NULL,
		created_by text NOT NULL,
		revoked_at timestamptz,
		last_used  timestamptz
	);
	CREATE TABLE sessions (
		hash       text PRIMARY KEY,
		token_id   bigint NOT NULL REFERENCES tokens(id) ON DELETE CASCADE,
		created_at timestamptz NOT NULL,
		expires_at timestamptz NOT NULL
	);
	CREATE INDEX sessions_token ON sessions(token_id);
	CREATE INDEX sessions_expires ON sessions(expires_at);
	CREATE TABLE group_years (
		year         integer PRIMARY KEY,
		version      integer NOT NULL CHECK (version > 0),
		saved_at     timestamptz NOT NULL,
		saved_by     text NOT NULL,
		confirmed_at timestamptz,
		confirmed_by text NOT NULL DEFAULT ''
	);
	CREATE TABLE curated_groups (
		year      integer NOT NULL REFERENCES group_years(year) ON DELETE CASCADE,
		id        text NOT NULL CHECK (id <> ''),
		ord       integer NOT NULL,
		name      text NOT NULL CHECK (name <> ''),
		lead_unit text NOT NULL DEFAULT '',
		PRIMARY KEY (year, id)
	);
	CREATE TABLE curated_members (
		number   text PRIMARY KEY,
		year     integer NOT NULL,
		group_id text NOT NULL,
		ord      integer NOT NULL,
		FOREIGN KEY (year, group_id) REFERENCES curated_groups(year, id) ON DELETE CASCADE
	);
	CREATE INDEX curated_members_group ON curated_members(year, group_id, ord);
	CREATE TABLE group_tuning (
		id          integer PRIMARY KEY CHECK (id = 1),
		threshold   double precision NOT NULL,
		years       integer[] NOT NULL,
		f1          double precision NOT NULL,
		previous    double precision NOT NULL,
		previous_f1 double precision NOT NULL,
		at          text NOT NULL,
		scale       text NOT NULL DEFAULT ''
	);
	CREATE TABLE words (
		word       text COLLATE "C" PRIMARY KEY,
		status     text NOT NULL CHECK (status IN ('accepted', 'rejected')),
		note       text NOT NULL DEFAULT '',
		decided_by text NOT NULL,
		decided_at timestamptz NOT NULL
	);`,
	// the trained models, so that every replica serves the same ones: one
	// row per file of a models folder, all of one version
	`CREATE TABLE model_files (
		name    text COLLATE "C" PRIMARY KEY,
		data    bytea NOT NULL,
		version bigint NOT NULL
	);
	CREATE TABLE model_version (
		id       integer PRIMARY KEY CHECK (id = 1),
		version  bigint NOT NULL,
		saved_at timestamptz NOT NULL,
		saved_by text NOT NULL
	);`,
}
