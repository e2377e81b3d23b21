// Package config reads Hromada's one typed configuration from environment variables.
//
// Every variable is listed in Vars (the README table is generated from the same list by hand, keep
// them together). A secret may also be given as NAME_FILE, the path of a file holding it, so that
// container secrets never pass through the environment.
package config

import (
	"cmp"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // the council's zone must load on machines without a zoneinfo database

	"github.com/hromada/hromada/internal/i18n"
)

// Environment names.
const (
	Development = "development"
	Production  = "production"
)

// Config is the whole configuration of one Hromada process.
type Config struct {
	Env         string // development | production
	Addr        string // listen address of the portal
	BaseURL     *url.URL
	DatabaseURL string // postgres://... or sqlite:PATH
	// MigrateDatabaseURL is the owner's postgres://...: migrations run as it, the server as DatabaseURL's
	// role; "" migrates as DatabaseURL.
	MigrateDatabaseURL string
	DataDir            string // SQLite file and attachments live here
	AutoMigrate        bool   // apply migrations at serve start
	Timezone           *time.Location
	Secret             []byte // server secret: keyed tax-number hash
	LogLevel           string
	LogFormat          string        // text | json
	SlowQuery          time.Duration // statements slower than this are logged (without their values)

	SessionLifetime time.Duration // idle: a session ends this long after its last request
	SessionMaxAge   time.Duration // absolute: a session ends this long after sign-in, however active

	OIDC   OIDC
	DevIdP DevIdP

	Council  i18n.Text // the council's name on pages, in notices and in reports
	Contacts Contacts  // the council's address, phone, e-mail, hours and hotlines, on the home and error pages

	RegIndexPattern string // e.g. "{letter}-{seq}/{yy}"
	// DueOnDayOff is what a term that ends on a day off does: keep (the date, flagged) or earlier (the
	// working day before it). Never later: the law counts calendar days.
	DueOnDayOff string

	Letters Letters // the council's letters: letterhead, signatory, outgoing numbers
	// ReportDocument is the quarterly report's addressee, unit, signatory and approver.
	ReportDocument ReportDocument

	MaxAttachmentBytes int64
	MaxAttachments     int
	// ReceptionBookings bounds the live bookings of coming personal receptions one citizen may hold.
	ReceptionBookings int
	// MaxFormBytes is the largest body of a request that carries no files; forms with files may send
	// the attachments allowed, and only signed-in persons (internal/web/bodies.go).
	MaxFormBytes int64

	Petitions PetitionRules
	Limits    Limits

	SMTPURL  string // "" means the console mailer (development only)
	MailFrom string
	Workers  int // mail-sending workers in this process; 0 means this process sends nothing
	// Proxy is the reverse proxy in front of the portal, whose header names the visitor's address.
	Proxy Proxy
}

// OIDC configures the relying party: any OpenID Connect provider.
type OIDC struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	Scopes       []string
	Claims       ClaimNames
}

// ClaimNames maps the provider's claim names onto what Hromada needs. The defaults are the names that
// id.gov.ua returns and that a bridging provider passes on.
type ClaimNames struct {
	TaxID, LastName, GivenName, MiddleName, Email, Phone, Address, AuthType string
	// EmailVerified names the claim by which the provider vouches for the e-mail (a JSON bool or the
	// strings "true"/"false"); an e-mail it does not vouch for never links appeals or grants roles.
	EmailVerified string
	// Roles names the claim carrying staff role codes; "" takes no roles from the provider. Off by
	// default: trusting a claim with staff rights is the council's decision about its own provider.
	Roles string
}

// DevIdP is the built-in development provider; it runs only when Enabled and never in production.
type DevIdP struct {
	Enabled bool
	Addr    string // its own listener
	URL     string // its public issuer URL
}

// PetitionRules are the community charter's rules for local e-petitions.
type PetitionRules struct {
	Threshold         int
	CollectionDays    int
	ModerationDays    int
	ConsiderationDays int
	Settlements       []string // empty: anyone identified may sign
	OnExpiry          string   // appeal | archive
	MartialLaw        bool     // public holidays are working days
}

// Letters is what the council's letters carry (the letterhead of ДСТУ 4163:2020), who signs them, the
// outgoing number's pattern, and the case (справа) appeals are filed in.
type Letters struct {
	Name, Address, Phone, Email, Website, EDRPOU string
	SignatoryTitle, SignatoryName                string
	OutPattern                                   string // e.g. "вих-{seq}/{yy}"
	CaseIndex                                    string // the case index printed on the registration-control card
}

// ReportDocument is what the whole quarterly report (DOCX, PDF) takes from configuration: to whom it goes
// (in the dative: "Міському голові", "Андрію БІЛОУСОВУ"), whose work it reports (the unit in the genitive,
// after "про роботу"), who signs it and who approves it (ПОГОДЖЕНО). Empty by default: the document then
// has a line to write on by hand in each place.
type ReportDocument struct {
	AddresseePosition, AddresseeName string
	Unit                             string
	SignatoryPosition, SignatoryName string
	ApproverPosition, ApproverName   string
}

// Limit is at most N events per Window.
type Limit struct {
	N      int
	Window time.Duration
}

// Proxy names the reverse proxies trusted to say who the visitor is, and the header they say it in.
type Proxy struct {
	Trusted []string // addresses or CIDR ranges of the proxies
	Header  string   // e.g. X-Real-IP; the proxy must set it, never pass on a visitor's own
}

// Limits protect petitions and e-appeals from abuse; counters are shared through the database.
type Limits struct {
	Sign, SignIP, Create, CreateIP Limit
	Appeal, AppealIP               Limit // e-appeals filed on the portal
	LoginIP                        Limit // sign-ins started: each writes a session row
	Status                         Limit // lookups on /status per address (index and surname, no account)
	API                            Limit // machine requests (/api/v1, /open311/v2) per token, or per address without one
	// ConcurrentIP is how many requests one address may have in progress at once on this instance. It
	// protects this process's memory and connections, so it is counted in memory, per instance.
	ConcurrentIP int
}

// Var documents one environment variable.
type Var struct {
	Name, Default, Help string
	Secret              bool
}

// Vars is every variable Hromada reads, in the order the README lists them.
var Vars = []Var{
	{Name: "HROMADA_ENV", Default: "development", Help: "development or production; production refuses the development identity provider and demands a real secret and OIDC provider"},
	{Name: "HROMADA_ADDR", Default: ":8080", Help: "listen address"},
	{Name: "HROMADA_BASE_URL", Default: "http://localhost:8080", Help: "public URL of the portal; https makes cookies Secure; the OIDC redirect URI is BASE_URL/auth/callback"},
	{Name: "HROMADA_DATABASE_URL", Default: "sqlite:./data/hromada.db", Help: "postgres://user:pass@host/db?sslmode=... for PostgreSQL, or sqlite:PATH for the embedded database", Secret: true},
	{Name: "HROMADA_MIGRATE_DATABASE_URL", Default: "(none: migrations run as HROMADA_DATABASE_URL)", Help: "PostgreSQL only: the URL of the role that owns the tables. `hromada migrate` and the migrations at serve's start run as it, then give the role named in HROMADA_DATABASE_URL what the server needs and no more (rows of every table, only INSERT and SELECT on the audit log, nothing DDL)", Secret: true},
	{Name: "HROMADA_DATA_DIR", Default: "./data", Help: "directory for the SQLite file and stored attachments (outside the web root)"},
	{Name: "HROMADA_AUTO_MIGRATE", Default: "true", Help: "apply pending migrations when serve starts; with false the server refuses to run on an outdated schema"},
	{Name: "HROMADA_TIMEZONE", Default: "Europe/Kyiv", Help: "the council's time zone: registration years and deadlines are counted in it"},
	{Name: "HROMADA_SECRET", Default: "(development only: a fixed, public value)", Help: "server secret, at least 32 bytes: keys the tax-number hash; never change it once persons exist", Secret: true},
	{Name: "HROMADA_LOG_LEVEL", Default: "info", Help: "debug, info, warn or error"},
	{Name: "HROMADA_LOG_FORMAT", Default: "text", Help: "text or json"},
	{Name: "HROMADA_LOG_SLOW_QUERY", Default: "500ms", Help: "SQL statements slower than this are logged at warn level, as their text without values (Go duration)"},
	{Name: "HROMADA_SESSION_LIFETIME", Default: "12h", Help: "how long a signed-in session lasts without activity (Go duration)"},
	{Name: "HROMADA_SESSION_MAX_AGE", Default: "168h", Help: "how long a session lasts at most after sign-in, however active (Go duration; 7 days by default)"},
	{Name: "HROMADA_OIDC_ISSUER", Default: "(the development provider)", Help: "issuer URL of the OpenID Connect provider"},
	{Name: "HROMADA_OIDC_CLIENT_ID", Default: "hromada", Help: "client id registered at the provider"},
	{Name: "HROMADA_OIDC_CLIENT_SECRET", Default: "(development only)", Help: "client secret", Secret: true},
	{Name: "HROMADA_OIDC_SCOPES", Default: "openid profile email phone address", Help: "space-separated scopes to request"},
	{Name: "HROMADA_OIDC_CLAIM_TAX_ID", Default: "drfocode", Help: "claim holding the tax number (РНОКПП); only its keyed hash is stored"},
	{Name: "HROMADA_OIDC_CLAIM_LAST_NAME", Default: "lastname", Help: "claim holding the surname"},
	{Name: "HROMADA_OIDC_CLAIM_GIVEN_NAME", Default: "givenname", Help: "claim holding the given name"},
	{Name: "HROMADA_OIDC_CLAIM_MIDDLE_NAME", Default: "middlename", Help: "claim holding the patronymic"},
	{Name: "HROMADA_OIDC_CLAIM_EMAIL", Default: "email", Help: "claim holding the e-mail"},
	{Name: "HROMADA_OIDC_CLAIM_EMAIL_VERIFIED", Default: "email_verified", Help: "claim by which the provider says the e-mail is verified (true/false); only a verified e-mail links appeals registered by staff to the account and lets roles be granted by e-mail"},
	{Name: "HROMADA_OIDC_CLAIM_PHONE", Default: "phone", Help: "claim holding the phone"},
	{Name: "HROMADA_OIDC_CLAIM_ADDRESS", Default: "address", Help: "claim holding the address (a string, or an OIDC address object)"},
	{Name: "HROMADA_OIDC_CLAIM_AUTH_TYPE", Default: "auth_type", Help: "claim naming how the person identified (qualified signature, BankID, Diia)"},
	{Name: "HROMADA_OIDC_CLAIM_ROLES", Default: "(none: roles only from the admin area; `roles` with the development provider)", Help: "claim carrying staff role codes (registrar, executor, head, moderator, analyst, admin) as a JSON array or a space- or comma-separated string; a dotted path such as realm_access.roles reaches into an object. Synced at every sign-in: roles the claim stops carrying are removed, roles granted in the admin area or by `hromada admin grant` are kept. Set it only if staff cannot edit the claim at the provider. With the development provider it defaults to `roles`, so its staff identities open the staff area at once; `none` switches it off"},
	{Name: "HROMADA_DEV_IDP", Default: "true in development when no HROMADA_OIDC_ISSUER is set", Help: "run the built-in development identity provider"},
	{Name: "HROMADA_DEV_IDP_ADDR", Default: "127.0.0.1:8081", Help: "listen address of the development provider"},
	{Name: "HROMADA_DEV_IDP_URL", Default: "http://localhost:8081", Help: "public URL (issuer) of the development provider"},
	{Name: "HROMADA_COUNCIL_NAME", Default: "Зразкова міська рада", Help: "the council's name in Ukrainian"},
	{Name: "HROMADA_COUNCIL_NAME_EN", Default: "Zrazkove City Council", Help: "the council's name in English"},
	{Name: "HROMADA_REG_INDEX_PATTERN", Default: "{letter}-{seq}/{yy}", Help: "registration index: {letter} is the first letter of the author's surname (КО for a collective, БП for an anonymous appeal), {seq} the number within the year, {year} or {yy} the year (required: numbers restart every year and an index never repeats)"},
	{Name: "HROMADA_LETTERHEAD_NAME", Default: "(HROMADA_COUNCIL_NAME)", Help: "the council's full name at the head of its letters (e.g. the executive committee's)"},
	{Name: "HROMADA_LETTERHEAD_ADDRESS", Default: "(none)", Help: "the council's postal address on its letters' letterhead"},
	{Name: "HROMADA_LETTERHEAD_PHONE", Default: "(none)", Help: "the council's phone on the letterhead; also the executor's phone on a letter when the staff member has none"},
	{Name: "HROMADA_LETTERHEAD_EMAIL", Default: "(none)", Help: "the council's e-mail on the letterhead"},
	{Name: "HROMADA_LETTERHEAD_WEBSITE", Default: "(HROMADA_BASE_URL)", Help: "the council's website on the letterhead"},
	{Name: "HROMADA_LETTERHEAD_EDRPOU", Default: "(none)", Help: "the council's ЄДРПОУ code on the letterhead (8 digits)"},
	{Name: "HROMADA_COUNCIL_ADDRESS", Default: "(HROMADA_LETTERHEAD_ADDRESS)", Help: "the council's address for visitors, on the home page and error pages"},
	{Name: "HROMADA_COUNCIL_ADDRESS_EN", Default: "(HROMADA_COUNCIL_ADDRESS)", Help: "the council's address in English"},
	{Name: "HROMADA_COUNCIL_PHONE", Default: "(HROMADA_LETTERHEAD_PHONE)", Help: "the council's phone for citizens, on the home page and error pages"},
	{Name: "HROMADA_COUNCIL_EMAIL", Default: "(HROMADA_LETTERHEAD_EMAIL)", Help: "the council's e-mail for citizens, on the home page and error pages"},
	{Name: "HROMADA_COUNCIL_HOURS", Default: "пн–чт 8:00–17:00, пт 8:00–15:45", Help: "reception hours in Ukrainian, in words"},
	{Name: "HROMADA_COUNCIL_HOURS_EN", Default: "Mon–Thu 8:00–17:00, Fri 8:00–15:45", Help: "reception hours in English"},
	{Name: "HROMADA_COUNCIL_HOTLINES", Default: "1545=Урядова гаряча лінія\\|Government contact centre", Help: "hotlines shown on the home page: `NUMBER=Назва\\|English name` items separated by `;` (`none`: no list)"},
	{Name: "HROMADA_LETTER_SIGNATORY_POSITION", Default: "Міський голова", Help: "the position of who signs the council's letters"},
	{Name: "HROMADA_LETTER_SIGNATORY_NAME", Default: "(none: a line to write the name by hand)", Help: "the name of who signs the council's letters, as ДСТУ 4163:2020 writes it: Ім'я ПРІЗВИЩЕ"},
	{Name: "HROMADA_OUT_NUMBER_PATTERN", Default: "вих-{seq}/{yy}", Help: "outgoing number of a letter in the outgoing register: {seq} the number within the year, {year} or {yy} the year (required: numbers restart every year and never repeat)"},
	{Name: "HROMADA_CASE_INDEX", Default: "(none: written by hand)", Help: "the index of the case (справа) of the nomenclature that appeals are filed in, printed on the registration-control card"},
	{Name: "HROMADA_REPORT_ADDRESSEE_POSITION", Default: "(none: a line to write on by hand)", Help: "the quarterly report's addressee's position in the dative, e.g. Міському голові"},
	{Name: "HROMADA_REPORT_ADDRESSEE_NAME", Default: "(none: a line to write on by hand)", Help: "the addressee's name in the dative, as ДСТУ 4163:2020 writes it: Ім'я ПРІЗВИЩЕ (Андрію БІЛОУСОВУ)"},
	{Name: "HROMADA_REPORT_UNIT", Default: "(none: the title reads «про роботу зі зверненнями громадян»)", Help: "whose work the report is about, in the genitive after «про роботу», e.g. відділу звернень громадян міської ради"},
	{Name: "HROMADA_REPORT_SIGNATORY_POSITION", Default: "(none: a line to write on by hand)", Help: "the position of who signs the report, e.g. Начальник відділу звернень громадян міської ради"},
	{Name: "HROMADA_REPORT_SIGNATORY_NAME", Default: "(none: a line to write on by hand)", Help: "the name of who signs the report: Ім'я ПРІЗВИЩЕ"},
	{Name: "HROMADA_REPORT_APPROVER_POSITION", Default: "(none: a line to write on by hand)", Help: "the position of who approves the report (the ПОГОДЖЕНО block), e.g. Заступник міського голови"},
	{Name: "HROMADA_REPORT_APPROVER_NAME", Default: "(none: a line to sign on, without a name)", Help: "the name of who approves the report: Ім'я ПРІЗВИЩЕ"},
	{Name: "HROMADA_DUE_ON_DAY_OFF", Default: "keep", Help: "a term of an appeal (due date, forwarding, return) that ends on a day off (Saturday, Sunday, or a public holiday when HROMADA_MARTIAL_LAW is false): keep (the date stays; the card and the dashboards flag it) or earlier (the working day before it); never later"},
	{Name: "HROMADA_MAX_ATTACHMENT_MB", Default: "10", Help: "largest accepted attachment, in MiB"},
	{Name: "HROMADA_MAX_ATTACHMENTS", Default: "5", Help: "most attachments on one appeal"},
	{Name: "HROMADA_RECEPTION_BOOKINGS", Default: "2", Help: "bookings of coming personal receptions one citizen may hold at once (against hoarding slots)"},
	{Name: "HROMADA_MAX_FORM_KB", Default: "256", Help: "largest request body without files, in KiB; only signed-in persons may send more, and only to forms with files (up to the attachments allowed plus 1 MiB)"},
	{Name: "HROMADA_PETITION_THRESHOLD", Default: "250", Help: "signatures a petition needs (the community's charter)"},
	{Name: "HROMADA_PETITION_DAYS", Default: "60", Help: "days of collecting signatures"},
	{Name: "HROMADA_PETITION_MAX_DAYS", Default: "90", Help: "the longest collection period HROMADA_PETITION_DAYS may set (3 months by default)"},
	{Name: "HROMADA_PETITION_MODERATION_DAYS", Default: "2", Help: "working days to publish or reject a new petition"},
	{Name: "HROMADA_PETITION_CONSIDERATION_DAYS", Default: "10", Help: "working days to answer a petition that reached its threshold"},
	{Name: "HROMADA_PETITION_SETTLEMENTS", Default: "(anyone identified may sign)", Help: "settlements whose residents may sign, separated by ; (matched in the signer's address)"},
	{Name: "HROMADA_PETITION_ON_EXPIRY", Default: "appeal", Help: "a petition without enough signatures at the end: appeal (registered as a collective appeal) or archive"},
	{Name: "HROMADA_MARTIAL_LAW", Default: "true", Help: "martial law: public holidays are working days (only Saturdays and Sundays are off)"},
	{Name: "HROMADA_LIMIT_SIGN", Default: "30/1m", Help: "signatures one account may make per period (N/duration)"},
	{Name: "HROMADA_LIMIT_SIGN_IP", Default: "300/1m", Help: "signatures from one IP address per period"},
	{Name: "HROMADA_LIMIT_CREATE", Default: "5/24h", Help: "petitions one account may create per period"},
	{Name: "HROMADA_LIMIT_CREATE_IP", Default: "20/1h", Help: "petitions from one IP address per period"},
	{Name: "HROMADA_LIMIT_APPEAL", Default: "10/24h", Help: "e-appeals one account may file on the portal per period (a form refused for its content does not count)"},
	{Name: "HROMADA_LIMIT_APPEAL_IP", Default: "50/1h", Help: "e-appeals filed from one IP address per period (higher: a library, an office or a mobile network puts many people behind one address)"},
	{Name: "HROMADA_LIMIT_LOGIN_IP", Default: "120/1m", Help: "sign-ins started from one IP address per period (each starts a session row until the provider answers)"},
	{Name: "HROMADA_LIMIT_STATUS", Default: "60/1h", Help: "appeal lookups on `/status` (registration index and surname, without an account) from one IP address per period"},
	{Name: "HROMADA_LIMIT_API", Default: "600/1m", Help: "machine requests (`/api/v1`, `/open311/v2`) one API token may make per period; without a token, per IP address"},
	{Name: "HROMADA_LIMIT_CONCURRENT_IP", Default: "32", Help: "requests one IP address may have in progress at once on one instance; more get 429"},
	{Name: "HROMADA_TRUSTED_PROXIES", Default: "(none: the connection's address is the visitor's)", Help: "addresses or CIDR ranges of the reverse proxies in front of the portal, separated by commas; only their requests may name the visitor's address in HROMADA_PROXY_HEADER (the per-address limits and the audit log use it)"},
	{Name: "HROMADA_PROXY_HEADER", Default: "X-Real-IP", Help: "the header in which a trusted proxy names the visitor's address; the proxy must set it (nginx: proxy_set_header X-Real-IP $remote_addr), never pass on one the visitor sent"},
	{Name: "HROMADA_SMTP_URL", Default: "(development: the console mailer)", Help: "SMTP server for e-mail: smtp://user:password@host:587?tls=starttls (tls: starttls, tls, opportunistic, none); required in production", Secret: true},
	{Name: "HROMADA_MAIL_FROM", Default: "Громада <noreply@localhost>", Help: "sender of the portal's e-mail"},
	{Name: "HROMADA_WORKERS", Default: "10", Help: "how many e-mails this process sends at once; 0 leaves sending to `hromada worker` processes"},
}

// DevSecret is the public secret used in development when none is given. Production refuses it.
const DevSecret = "hromada-development-secret-not-for-production-use"

// DevClientSecret is the development provider's client secret.
const DevClientSecret = "hromada-dev-client-secret"

// Load reads the configuration from the environment through getenv (os.Getenv in the program, a map
// in tests) and validates it. The error names the variable that is wrong. Each part of the configuration
// is read by a function of its own, in the order of Vars.
func Load(getenv func(string) string) (*Config, error) {
	r := reader{getenv: getenv}
	c := &Config{}
	c.Env = r.str("HROMADA_ENV", Development)
	if c.Env != Development && c.Env != Production {
		r.fail("HROMADA_ENV", "must be development or production, got %q", c.Env)
	}
	prod := c.Env == Production
	c.Addr = r.str("HROMADA_ADDR", ":8080")
	c.BaseURL = r.url("HROMADA_BASE_URL", "http://localhost:8080")
	c.DataDir = r.str("HROMADA_DATA_DIR", "./data")
	r.database(c)
	r.zone(c)
	c.Secret = r.serverSecret(prod)
	c.LogLevel = r.oneOf("HROMADA_LOG_LEVEL", "info", "debug", "info", "warn", "error")
	c.LogFormat = r.oneOf("HROMADA_LOG_FORMAT", "text", "text", "json")
	c.SlowQuery = r.duration("HROMADA_LOG_SLOW_QUERY", 500*time.Millisecond)
	c.SessionLifetime = r.duration("HROMADA_SESSION_LIFETIME", 12*time.Hour)
	c.SessionMaxAge = r.duration("HROMADA_SESSION_MAX_AGE", 7*24*time.Hour)
	if c.SessionMaxAge < c.SessionLifetime {
		r.fail("HROMADA_SESSION_MAX_AGE", "is %s, shorter than HROMADA_SESSION_LIFETIME (%s)", c.SessionMaxAge, c.SessionLifetime)
	}
	r.signIn(c, prod)
	c.Council = i18n.Text{
		UK: r.str("HROMADA_COUNCIL_NAME", "Зразкова міська рада"),
		EN: r.str("HROMADA_COUNCIL_NAME_EN", "Zrazkove City Council"),
	}
	r.registry(c)
	r.letters(c)
	r.reportDocument(c)
	r.contacts(c)
	r.petitions(c)
	c.Limits = Limits{
		Sign:         r.limit("HROMADA_LIMIT_SIGN", Limit{30, time.Minute}),
		SignIP:       r.limit("HROMADA_LIMIT_SIGN_IP", Limit{300, time.Minute}),
		Create:       r.limit("HROMADA_LIMIT_CREATE", Limit{5, 24 * time.Hour}),
		CreateIP:     r.limit("HROMADA_LIMIT_CREATE_IP", Limit{20, time.Hour}),
		Appeal:       r.limit("HROMADA_LIMIT_APPEAL", Limit{10, 24 * time.Hour}),
		AppealIP:     r.limit("HROMADA_LIMIT_APPEAL_IP", Limit{50, time.Hour}),
		LoginIP:      r.limit("HROMADA_LIMIT_LOGIN_IP", Limit{120, time.Minute}),
		API:          r.limit("HROMADA_LIMIT_API", Limit{600, time.Minute}),
		Status:       r.limit("HROMADA_LIMIT_STATUS", Limit{60, time.Hour}),
		ConcurrentIP: r.positiveInt("HROMADA_LIMIT_CONCURRENT_IP", 32),
	}
	r.proxy(c)
	r.mail(c, prod)
	if len(r.errs) > 0 {
		return nil, errors.Join(r.errs...)
	}
	return c, nil
}

// database reads where the database is and who migrates it.
func (r *reader) database(c *Config) {
	c.DatabaseURL = r.secret("HROMADA_DATABASE_URL", "sqlite:"+filepath.Join(c.DataDir, "hromada.db"))
	if !isPostgres(c.DatabaseURL) && !strings.HasPrefix(c.DatabaseURL, "sqlite:") {
		r.fail("HROMADA_DATABASE_URL", "must start with postgres://, postgresql:// or sqlite:")
	}
	c.MigrateDatabaseURL = r.secret("HROMADA_MIGRATE_DATABASE_URL", "")
	if c.MigrateDatabaseURL != "" && (!isPostgres(c.MigrateDatabaseURL) || !isPostgres(c.DatabaseURL)) {
		r.fail("HROMADA_MIGRATE_DATABASE_URL", "is for PostgreSQL: it and HROMADA_DATABASE_URL must both start with postgres://")
	}
	c.AutoMigrate = r.boolean("HROMADA_AUTO_MIGRATE", true)
}

// zone reads the council's time zone.
func (r *reader) zone(c *Config) {
	tz := r.str("HROMADA_TIMEZONE", "Europe/Kyiv")
	loc, err := time.LoadLocation(tz)
	if err != nil {
		r.fail("HROMADA_TIMEZONE", "unknown time zone %q", tz)
		loc = time.UTC
	}
	c.Timezone = loc
}

// serverSecret reads the secret that keys tax-number hashes and tokens; production must bring its own.
func (r *reader) serverSecret(prod bool) []byte {
	secret := r.secret("HROMADA_SECRET", "")
	switch {
	case secret == "" && prod:
		r.fail("HROMADA_SECRET", "is required in production (at least 32 bytes)")
	case secret == "":
		secret = DevSecret
	case secret == DevSecret && prod:
		r.fail("HROMADA_SECRET", "must not be the public development secret in production")
	case len(secret) < 32:
		r.fail("HROMADA_SECRET", "must be at least 32 bytes long")
	}
	return []byte(secret)
}

// signIn reads the OpenID Connect provider, the development one, and the names of the claims.
func (r *reader) signIn(c *Config, prod bool) {
	c.OIDC.Issuer = r.str("HROMADA_OIDC_ISSUER", "")
	c.DevIdP.Enabled = r.boolean("HROMADA_DEV_IDP", !prod && c.OIDC.Issuer == "")
	c.DevIdP.Addr = r.str("HROMADA_DEV_IDP_ADDR", "127.0.0.1:8081")
	c.DevIdP.URL = strings.TrimSuffix(r.url("HROMADA_DEV_IDP_URL", "http://localhost:8081").String(), "/")
	if c.DevIdP.Enabled && prod {
		r.fail("HROMADA_DEV_IDP", "the development identity provider must not run in production")
	}
	c.OIDC.ClientID = r.str("HROMADA_OIDC_CLIENT_ID", "hromada")
	c.OIDC.ClientSecret = r.secret("HROMADA_OIDC_CLIENT_SECRET", "")
	if c.DevIdP.Enabled {
		c.OIDC.Issuer = cmp.Or(c.OIDC.Issuer, c.DevIdP.URL)
		c.OIDC.ClientSecret = cmp.Or(c.OIDC.ClientSecret, DevClientSecret)
	}
	if c.OIDC.Issuer == "" {
		r.fail("HROMADA_OIDC_ISSUER", "is required when the development provider is off")
	} else if u, err := url.Parse(c.OIDC.Issuer); err != nil || u.Host == "" {
		r.fail("HROMADA_OIDC_ISSUER", "must be an absolute URL")
	}
	c.OIDC.Scopes = strings.Fields(r.str("HROMADA_OIDC_SCOPES", "openid profile email phone address"))
	if !slices.Contains(c.OIDC.Scopes, "openid") {
		r.fail("HROMADA_OIDC_SCOPES", "must include openid")
	}
	c.OIDC.Claims = ClaimNames{
		TaxID:         r.str("HROMADA_OIDC_CLAIM_TAX_ID", "drfocode"),
		LastName:      r.str("HROMADA_OIDC_CLAIM_LAST_NAME", "lastname"),
		GivenName:     r.str("HROMADA_OIDC_CLAIM_GIVEN_NAME", "givenname"),
		MiddleName:    r.str("HROMADA_OIDC_CLAIM_MIDDLE_NAME", "middlename"),
		Email:         r.str("HROMADA_OIDC_CLAIM_EMAIL", "email"),
		EmailVerified: r.str("HROMADA_OIDC_CLAIM_EMAIL_VERIFIED", "email_verified"),
		Phone:         r.str("HROMADA_OIDC_CLAIM_PHONE", "phone"),
		Address:       r.str("HROMADA_OIDC_CLAIM_ADDRESS", "address"),
		AuthType:      r.str("HROMADA_OIDC_CLAIM_AUTH_TYPE", "auth_type"),
		Roles:         r.str("HROMADA_OIDC_CLAIM_ROLES", ""),
	}
	// Staff from the first minute: the development provider's staff identities carry their roles in the
	// "roles" claim, so with no configuration "staff: admin" opens the staff area at once. A council's own
	// provider gets no such default: roles come from the admin area unless the claim is named. "none"
	// switches the claim off even with the development provider.
	if c.OIDC.Claims.Roles == "" && c.DevIdP.Enabled && c.OIDC.Issuer == c.DevIdP.URL {
		c.OIDC.Claims.Roles = "roles"
	}
	if c.OIDC.Claims.Roles == "none" {
		c.OIDC.Claims.Roles = ""
	}
}

// registry reads the registration index and the limits on attachments and forms.
func (r *reader) registry(c *Config) {
	c.RegIndexPattern = r.str("HROMADA_REG_INDEX_PATTERN", "{letter}-{seq}/{yy}")
	switch {
	case !strings.Contains(c.RegIndexPattern, "{seq}"):
		r.fail("HROMADA_REG_INDEX_PATTERN", "must contain {seq}")
	case !strings.Contains(c.RegIndexPattern, "{year}") && !strings.Contains(c.RegIndexPattern, "{yy}"):
		// The sequence restarts every year: without the year, next January's К-1 would be this year's.
		r.fail("HROMADA_REG_INDEX_PATTERN", "must contain {year} or {yy}: numbers restart every year")
	}
	c.DueOnDayOff = r.oneOf("HROMADA_DUE_ON_DAY_OFF", "keep", "keep", "earlier")
	c.MaxAttachmentBytes = int64(r.positiveInt("HROMADA_MAX_ATTACHMENT_MB", 10)) << 20
	c.MaxAttachments = r.positiveInt("HROMADA_MAX_ATTACHMENTS", 5)
	c.ReceptionBookings = r.positiveInt("HROMADA_RECEPTION_BOOKINGS", 2)
	c.MaxFormBytes = int64(r.positiveInt("HROMADA_MAX_FORM_KB", 256)) << 10
}

// letters reads the letterhead, the signatory and the outgoing number's pattern.
func (r *reader) letters(c *Config) {
	c.Letters = Letters{
		Name:           r.str("HROMADA_LETTERHEAD_NAME", c.Council.UK),
		Address:        r.str("HROMADA_LETTERHEAD_ADDRESS", ""),
		Phone:          r.str("HROMADA_LETTERHEAD_PHONE", ""),
		Email:          r.str("HROMADA_LETTERHEAD_EMAIL", ""),
		Website:        r.str("HROMADA_LETTERHEAD_WEBSITE", c.BaseURL.String()),
		EDRPOU:         r.str("HROMADA_LETTERHEAD_EDRPOU", ""),
		SignatoryTitle: r.str("HROMADA_LETTER_SIGNATORY_POSITION", "Міський голова"),
		SignatoryName:  r.str("HROMADA_LETTER_SIGNATORY_NAME", ""),
		OutPattern:     r.str("HROMADA_OUT_NUMBER_PATTERN", "вих-{seq}/{yy}"),
		CaseIndex:      r.str("HROMADA_CASE_INDEX", ""),
	}
	if e := c.Letters.EDRPOU; e != "" && (len(e) != 8 || strings.Trim(e, "0123456789") != "") {
		r.fail("HROMADA_LETTERHEAD_EDRPOU", "must be the 8 digits of the ЄДРПОУ code, got %q", e)
	}
	if e := c.Letters.Email; e != "" {
		if _, err := mail.ParseAddress(e); err != nil {
			r.fail("HROMADA_LETTERHEAD_EMAIL", "must be an e-mail address: %v", err)
		}
	}
	switch p := c.Letters.OutPattern; {
	case !strings.Contains(p, "{seq}"):
		r.fail("HROMADA_OUT_NUMBER_PATTERN", "must contain {seq}")
	case !strings.Contains(p, "{year}") && !strings.Contains(p, "{yy}"):
		r.fail("HROMADA_OUT_NUMBER_PATTERN", "must contain {year} or {yy}: numbers restart every year")
	}
}

// reportDocument reads the quarterly report's people; every one may stay empty.
func (r *reader) reportDocument(c *Config) {
	c.ReportDocument = ReportDocument{
		AddresseePosition: r.str("HROMADA_REPORT_ADDRESSEE_POSITION", ""),
		AddresseeName:     r.str("HROMADA_REPORT_ADDRESSEE_NAME", ""),
		Unit:              r.str("HROMADA_REPORT_UNIT", ""),
		SignatoryPosition: r.str("HROMADA_REPORT_SIGNATORY_POSITION", ""),
		SignatoryName:     r.str("HROMADA_REPORT_SIGNATORY_NAME", ""),
		ApproverPosition:  r.str("HROMADA_REPORT_APPROVER_POSITION", ""),
		ApproverName:      r.str("HROMADA_REPORT_APPROVER_NAME", ""),
	}
}

// petitions reads the community charter's rules for petitions.
func (r *reader) petitions(c *Config) {
	c.Petitions = PetitionRules{
		Threshold:         r.positiveInt("HROMADA_PETITION_THRESHOLD", 250),
		CollectionDays:    r.positiveInt("HROMADA_PETITION_DAYS", 60),
		ModerationDays:    r.positiveInt("HROMADA_PETITION_MODERATION_DAYS", 2),
		ConsiderationDays: r.positiveInt("HROMADA_PETITION_CONSIDERATION_DAYS", 10),
		OnExpiry:          r.oneOf("HROMADA_PETITION_ON_EXPIRY", "appeal", "appeal", "archive"),
		MartialLaw:        r.boolean("HROMADA_MARTIAL_LAW", true),
	}
	if maxDays := r.positiveInt("HROMADA_PETITION_MAX_DAYS", 90); c.Petitions.CollectionDays > maxDays {
		r.fail("HROMADA_PETITION_DAYS", "is %d, longer than HROMADA_PETITION_MAX_DAYS (%d)", c.Petitions.CollectionDays, maxDays)
	}
	for _, name := range strings.Split(r.str("HROMADA_PETITION_SETTLEMENTS", ""), ";") {
		if name = strings.TrimSpace(name); name != "" {
			c.Petitions.Settlements = append(c.Petitions.Settlements, name)
		}
	}
}

// proxy reads the reverse proxies trusted to name the visitor's address.
func (r *reader) proxy(c *Config) {
	for _, p := range strings.FieldsFunc(r.str("HROMADA_TRUSTED_PROXIES", ""), func(r rune) bool { return r == ',' || r == ' ' }) {
		if _, _, err := net.ParseCIDR(p); err != nil && net.ParseIP(p) == nil {
			r.fail("HROMADA_TRUSTED_PROXIES", "%q is neither an IP address nor a CIDR range", p)
			continue
		}
		c.Proxy.Trusted = append(c.Proxy.Trusted, p)
	}
	c.Proxy.Header = r.str("HROMADA_PROXY_HEADER", "X-Real-IP")
	if h := strings.ToLower(c.Proxy.Header); h == "x-forwarded-for" || h == "forwarded" {
		// A list the visitor can write the first entries of (a proxy appends to what it received), and the
		// first valid entry is what is read: every visitor could name any address.
		r.fail("HROMADA_PROXY_HEADER", "must be a header your proxy sets to the one visitor's address (X-Real-IP), not the list %s", c.Proxy.Header)
	}
	if len(c.Proxy.Trusted) == 0 {
		c.Proxy.Header = "" // nobody may name another address
	}
}

// mail reads the SMTP server, the sender and how many messages this process sends at once.
func (r *reader) mail(c *Config, prod bool) {
	c.SMTPURL = r.secret("HROMADA_SMTP_URL", "")
	if c.SMTPURL == "" && prod {
		r.fail("HROMADA_SMTP_URL", "is required in production (the console mailer is for development)")
	} else if u, err := url.Parse(c.SMTPURL); c.SMTPURL != "" && (err != nil || u.Scheme != "smtp" || u.Host == "") {
		r.fail("HROMADA_SMTP_URL", "must look like smtp://user:password@host:587?tls=starttls")
	}
	c.MailFrom = r.str("HROMADA_MAIL_FROM", "Громада <noreply@localhost>")
	if _, err := mail.ParseAddress(c.MailFrom); err != nil {
		r.fail("HROMADA_MAIL_FROM", "must be an e-mail address, optionally with a name: %v", err)
	}
	c.Workers = r.nonNegativeInt("HROMADA_WORKERS", 10)
}

func isPostgres(url string) bool {
	return strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://")
}

// AppRole is the database role that migrations give the server's rights to: the user named in
// HROMADA_DATABASE_URL when HROMADA_MIGRATE_DATABASE_URL names another; "" when there is one role.
func (c *Config) AppRole() string {
	if c.MigrateDatabaseURL == "" {
		return ""
	}
	app, err1 := url.Parse(c.DatabaseURL)
	owner, err2 := url.Parse(c.MigrateDatabaseURL)
	if err1 != nil || err2 != nil || app.User == nil || app.User.Username() == "" {
		return ""
	}
	if owner.User != nil && owner.User.Username() == app.User.Username() {
		return ""
	}
	return app.User.Username()
}

// SecureCookies says whether cookies must carry the Secure flag: whenever the portal is served over TLS.
func (c *Config) SecureCookies() bool { return c.BaseURL.Scheme == "https" }

// RedirectURL is the OIDC callback registered at the provider.
func (c *Config) RedirectURL() string { return c.BaseURL.JoinPath("/auth/callback").String() }

// PostLogoutURL is where the provider sends the browser after ending its session.
func (c *Config) PostLogoutURL() string { return c.BaseURL.JoinPath("/").String() }

// reader collects every problem so that one start reports all wrong variables at once.
type reader struct {
	getenv func(string) string
	errs   []error
}

func (r *reader) fail(name, format string, args ...any) {
	r.errs = append(r.errs, fmt.Errorf("%s %s", name, fmt.Sprintf(format, args...)))
}

func (r *reader) str(name, def string) string {
	if v := strings.TrimSpace(r.getenv(name)); v != "" {
		return v
	}
	return def
}

// secret reads NAME, or the file named by NAME_FILE; giving both is an error.
func (r *reader) secret(name, def string) string {
	v, file := r.getenv(name), r.getenv(name+"_FILE")
	if v != "" && file != "" {
		r.fail(name, "and %s_FILE are both set; use one", name)
		return def
	}
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			r.fail(name+"_FILE", "cannot be read: %v", err)
			return def
		}
		return strings.TrimSpace(string(b))
	}
	if v != "" {
		return strings.TrimSpace(v)
	}
	return def
}

func (r *reader) url(name, def string) *url.URL {
	raw := r.str(name, def)
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		r.fail(name, "must be an absolute http(s) URL, got %q", raw)
		u, _ = url.Parse(def)
	}
	return u
}

func (r *reader) boolean(name string, def bool) bool {
	raw := r.str(name, "")
	if raw == "" {
		return def
	}
	v, err := strconv.ParseBool(raw)
	if err != nil {
		r.fail(name, "must be true or false, got %q", raw)
		return def
	}
	return v
}

func (r *reader) duration(name string, def time.Duration) time.Duration {
	raw := r.str(name, "")
	if raw == "" {
		return def
	}
	d, err := time.ParseDuration(raw)
	if err != nil || d <= 0 {
		r.fail(name, "must be a positive duration such as 12h, got %q", raw)
		return def
	}
	return d
}

func (r *reader) positiveInt(name string, def int) int {
	raw := r.str(name, "")
	if raw == "" {
		return def
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n <= 0 {
		r.fail(name, "must be a positive whole number, got %q", raw)
		return def
	}
	return n
}

func (r *reader) nonNegativeInt(name string, def int) int {
	raw := r.str(name, "")
	if raw == "" {
		return def
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 0 {
		r.fail(name, "must be a whole number, 0 or more, got %q", raw)
		return def
	}
	return n
}

// limit reads "N/duration", e.g. 30/1m.
func (r *reader) limit(name string, def Limit) Limit {
	raw := r.str(name, "")
	if raw == "" {
		return def
	}
	n, w, ok := strings.Cut(raw, "/")
	count, err1 := strconv.Atoi(strings.TrimSpace(n))
	window, err2 := time.ParseDuration(strings.TrimSpace(w))
	if !ok || err1 != nil || err2 != nil || count <= 0 || window <= 0 {
		r.fail(name, "must look like 30/1m (how many per how long), got %q", raw)
		return def
	}
	return Limit{N: count, Window: window}
}

func (r *reader) oneOf(name, def string, allowed ...string) string {
	v := r.str(name, def)
	if !slices.Contains(allowed, v) {
		r.fail(name, "must be one of %s, got %q", strings.Join(allowed, ", "), v)
		return def
	}
	return v
}
