package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func load(env map[string]string) (*Config, error) {
	return Load(func(k string) string { return env[k] })
}

func TestDefaultsNeedNoConfiguration(t *testing.T) {
	c, err := load(nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":8080" || !strings.HasPrefix(c.DatabaseURL, "sqlite:") || !c.DevIdP.Enabled ||
		c.OIDC.Issuer != "http://localhost:8081" || c.Timezone.String() != "Europe/Kyiv" || !c.AutoMigrate {
		t.Fatalf("defaults: %+v", c)
	}
	if c.SecureCookies() {
		t.Error("plain http must not set Secure cookies")
	}
	if c.RedirectURL() != "http://localhost:8080/auth/callback" {
		t.Errorf("redirect URL %q", c.RedirectURL())
	}
}

func TestBadValuesNameTheVariable(t *testing.T) {
	cases := map[string]map[string]string{
		"HROMADA_ENV":                 {"HROMADA_ENV": "staging"},
		"HROMADA_BASE_URL":            {"HROMADA_BASE_URL": "localhost:8080"},
		"HROMADA_DATABASE_URL":        {"HROMADA_DATABASE_URL": "mysql://x"},
		"HROMADA_AUTO_MIGRATE":        {"HROMADA_AUTO_MIGRATE": "perhaps"},
		"HROMADA_TIMEZONE":            {"HROMADA_TIMEZONE": "Mars/Olympus"},
		"HROMADA_SECRET":              {"HROMADA_SECRET": "short"},
		"HROMADA_SESSION_LIFETIME":    {"HROMADA_SESSION_LIFETIME": "forever"},
		"HROMADA_SESSION_MAX_AGE":     {"HROMADA_SESSION_MAX_AGE": "1h", "HROMADA_SESSION_LIFETIME": "2h"},
		"HROMADA_MAX_FORM_KB":         {"HROMADA_MAX_FORM_KB": "0"},
		"HROMADA_LIMIT_CONCURRENT_IP": {"HROMADA_LIMIT_CONCURRENT_IP": "many"},
		"HROMADA_LIMIT_LOGIN_IP":      {"HROMADA_LIMIT_LOGIN_IP": "lots"},
		"HROMADA_TRUSTED_PROXIES":     {"HROMADA_TRUSTED_PROXIES": "10.0.0.1, the-proxy"},
		"HROMADA_PROXY_HEADER":        {"HROMADA_TRUSTED_PROXIES": "10.0.0.1", "HROMADA_PROXY_HEADER": "X-Forwarded-For"},
		"HROMADA_OIDC_SCOPES":         {"HROMADA_OIDC_SCOPES": "profile email"},
		"HROMADA_REG_INDEX_PATTERN":   {"HROMADA_REG_INDEX_PATTERN": "{letter}"},
		"HROMADA_OUT_NUMBER_PATTERN":  {"HROMADA_OUT_NUMBER_PATTERN": "вих-{seq}"},
		"HROMADA_LETTERHEAD_EDRPOU":   {"HROMADA_LETTERHEAD_EDRPOU": "1234"},
		"HROMADA_LETTERHEAD_EMAIL":    {"HROMADA_LETTERHEAD_EMAIL": "rada at example"},
		"HROMADA_MAX_ATTACHMENT_MB":   {"HROMADA_MAX_ATTACHMENT_MB": "-1"},
		"HROMADA_LOG_LEVEL":           {"HROMADA_LOG_LEVEL": "loud"},
		"HROMADA_SMTP_URL":            {"HROMADA_SMTP_URL": "mail.example.org:25"},
		"HROMADA_MAIL_FROM":           {"HROMADA_MAIL_FROM": "not an address"},
		"HROMADA_WORKERS":             {"HROMADA_WORKERS": "-2"},
		"HROMADA_OIDC_ISSUER":         {"HROMADA_DEV_IDP": "false"},
		"HROMADA_OIDC_CLIENT_SECRET":  {"HROMADA_OIDC_CLIENT_SECRET": "a", "HROMADA_OIDC_CLIENT_SECRET_FILE": "/x"},
	}
	for name, env := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := load(env)
			if err == nil || !strings.Contains(err.Error(), name) {
				t.Fatalf("want an error naming %s, got %v", name, err)
			}
		})
	}
}

func TestProductionDemandsRealSecrets(t *testing.T) {
	base := map[string]string{"HROMADA_ENV": "production", "HROMADA_OIDC_ISSUER": "https://id.example.gov.ua",
		"HROMADA_SMTP_URL": "smtp://mail.example.gov.ua:587"}
	if _, err := load(base); err == nil || !strings.Contains(err.Error(), "HROMADA_SECRET") {
		t.Fatalf("production without a secret: %v", err)
	}
	base["HROMADA_SECRET"] = DevSecret
	if _, err := load(base); err == nil {
		t.Fatal("production with the public development secret must not start")
	}
	base["HROMADA_SECRET"] = strings.Repeat("s", 40)
	c, err := load(base)
	if err != nil {
		t.Fatal(err)
	}
	if c.DevIdP.Enabled {
		t.Fatal("the development provider must be off in production")
	}
}

func TestSecretFromFile(t *testing.T) {
	f := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(f, []byte(strings.Repeat("k", 48)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := load(map[string]string{"HROMADA_SECRET_FILE": f})
	if err != nil {
		t.Fatal(err)
	}
	if string(c.Secret) != strings.Repeat("k", 48) {
		t.Fatalf("secret from file: %q", c.Secret)
	}
	if _, err := load(map[string]string{"HROMADA_SECRET_FILE": f + ".missing"}); err == nil ||
		!strings.Contains(err.Error(), "HROMADA_SECRET_FILE") {
		t.Fatalf("missing secret file: %v", err)
	}
}

// README documents every variable: Vars must list each name Load reads.
func TestVarsListEveryVariable(t *testing.T) {
	read := map[string]bool{}
	_, _ = Load(func(k string) string { read[strings.TrimSuffix(k, "_FILE")] = true; return "" })
	listed := map[string]bool{}
	for _, v := range Vars {
		listed[v.Name] = true
	}
	for k := range read {
		if !listed[k] {
			t.Errorf("%s is read but not listed in Vars", k)
		}
	}
	for k := range listed {
		if !read[k] {
			t.Errorf("%s is listed in Vars but never read", k)
		}
	}
}

// README's configuration table lists every variable.
func TestREADMEDocumentsEveryVariable(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range Vars {
		if !strings.Contains(string(b), "`"+v.Name+"`") {
			t.Errorf("README.md does not document %s", v.Name)
		}
	}
}

func TestProductionNeedsSMTP(t *testing.T) {
	_, err := load(map[string]string{"HROMADA_ENV": "production", "HROMADA_OIDC_ISSUER": "https://id.example.gov.ua",
		"HROMADA_SECRET": strings.Repeat("s", 40)})
	if err == nil || !strings.Contains(err.Error(), "HROMADA_SMTP_URL") {
		t.Fatalf("production without SMTP: %v", err)
	}
}

// Roles from a council's provider are off unless the council names the claim; the development
// provider's staff identities bring theirs unless switched off.
func TestRolesClaimIsOptIn(t *testing.T) {
	c, err := load(map[string]string{"HROMADA_OIDC_ISSUER": "https://id.rada.example"})
	if err != nil {
		t.Fatal(err)
	}
	if c.OIDC.Claims.Roles != "" {
		t.Fatalf("roles claim on by default: %q", c.OIDC.Claims.Roles)
	}
	if c, err = load(nil); err != nil || c.OIDC.Claims.Roles != "roles" {
		t.Fatalf("the development provider's roles claim: %q %v", c.OIDC.Claims.Roles, err)
	}
	if c, err = load(map[string]string{"HROMADA_OIDC_CLAIM_ROLES": "none"}); err != nil || c.OIDC.Claims.Roles != "" {
		t.Fatalf("switched off: %q %v", c.OIDC.Claims.Roles, err)
	}
	c, err = load(map[string]string{"HROMADA_OIDC_CLAIM_ROLES": " realm_access.roles "})
	if err != nil || c.OIDC.Claims.Roles != "realm_access.roles" {
		t.Fatalf("roles claim: %+v %v", c, err)
	}
}

// The application's role is the user of HROMADA_DATABASE_URL when the owner migrates under another.
func TestAppRole(t *testing.T) {
	for _, c := range []struct{ app, owner, want string }{
		{"postgres://hromada_app:pw@db/hromada", "postgres://hromada:pw@db/hromada", "hromada_app"},
		{"postgres://hromada:pw@db/hromada", "postgres://hromada:other@db/hromada", ""}, // one role
		{"postgres://hromada_app:pw@db/hromada", "", ""},                                // nobody migrates apart
		{"postgres://db/hromada", "postgres://hromada:pw@db/hromada", ""},               // no user to name
	} {
		cfg, err := load(map[string]string{"HROMADA_DATABASE_URL": c.app, "HROMADA_MIGRATE_DATABASE_URL": c.owner})
		if err != nil {
			t.Fatal(err)
		}
		if got := cfg.AppRole(); got != c.want {
			t.Errorf("%s migrated by %s: AppRole %q, want %q", c.app, c.owner, got, c.want)
		}
	}
	_, err := load(map[string]string{"HROMADA_MIGRATE_DATABASE_URL": "postgres://hromada:pw@db/hromada"})
	if err == nil || !strings.Contains(err.Error(), "HROMADA_MIGRATE_DATABASE_URL") {
		t.Errorf("an owner's URL beside the embedded SQLite: %v", err)
	}
}

func TestCouncilContacts(t *testing.T) {
	c, err := load(map[string]string{"HROMADA_LETTERHEAD_PHONE": "+380 (44) 123-45-67",
		"HROMADA_COUNCIL_HOTLINES": "1545=Урядова гаряча лінія|Government contact centre; 0 800 500 000=Обласний контактний центр"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Contacts.Phone != "+380 (44) 123-45-67" || Tel(c.Contacts.Phone) != "+380441234567" {
		t.Errorf("phone from the letterhead: %q", c.Contacts.Phone)
	}
	h := c.Contacts.Hotlines
	if len(h) != 2 || h[0].Number != "1545" || h[0].Name.In("en") != "Government contact centre" ||
		h[1].Name.In("en") != "Обласний контактний центр" || Tel(h[1].Number) != "0800500000" {
		t.Errorf("hotlines: %+v", h)
	}
	if c, err = load(map[string]string{"HROMADA_COUNCIL_HOTLINES": "none"}); err != nil || len(c.Contacts.Hotlines) != 0 {
		t.Errorf("none: %v %+v", err, c)
	}
	for _, bad := range []map[string]string{{"HROMADA_COUNCIL_HOTLINES": "1545"}, {"HROMADA_COUNCIL_HOTLINES": "ab=Лінія"},
		{"HROMADA_COUNCIL_EMAIL": "not an address"}, {"HROMADA_COUNCIL_PHONE": "call us"}} {
		if _, err := load(bad); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}
