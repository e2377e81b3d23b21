// Package devidp is a real OpenID Connect provider for development and tests, in the style of
// Diia / id.gov.ua: code flow with PKCE (S256) and nonce, RS256 ID tokens carrying Diia-style
// claims, userinfo, end_session. It is built on github.com/zitadel/oidc/v3/pkg/op and keeps
// everything in memory; the only "login" is a page that picks one of a few test identities.
//
// It must never run in production (see CheckEnvironment): anyone who reaches it can sign in as
// anyone on its list.
package devidp

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"
)

// Paths served besides op's own endpoints.
const (
	pathLogin     = "/login"
	pathLoggedOut = "/logged-out"
)

// Config configures the provider and its single client.
type Config struct {
	Issuer                 string // e.g. "http://localhost:8081" — the public base URL of the provider
	ClientID               string
	ClientSecret           string
	RedirectURIs           []string // allowed redirect URIs (exact match)
	PostLogoutRedirectURIs []string
	Identities             []Identity // if nil, Identities()
}

// Provider is an http.Handler serving the whole provider at the root of Config.Issuer
// (discovery at /.well-known/openid-configuration, /authorize, /oauth/token, /keys, /userinfo,
// /end_session, and the picker page at /login).
type Provider struct {
	issuer     string
	identities []Identity // picker order
	op         *op.Provider
	store      *storage
	pages      *template.Template
	handler    http.Handler
}

// CheckEnvironment refuses the production environment; the server calls it before New.
func CheckEnvironment(env string) error {
	// Lenient matching: a stray "Production " must not slip a login-as-anyone page into production.
	if strings.EqualFold(strings.TrimSpace(env), "production") {
		return errors.New("devidp: the development identity provider must not run in production")
	}
	return nil
}

// New builds the provider. It only needs the final issuer URL, so a caller that listens on port 0
// creates the listener first, derives the issuer from its address, then calls New.
func New(cfg Config) (*Provider, error) {
	issuer, err := checkIssuer(cfg.Issuer)
	if err != nil {
		return nil, err
	}
	if cfg.ClientID == "" || cfg.ClientSecret == "" {
		return nil, errors.New("devidp: ClientID and ClientSecret are required")
	}
	if len(cfg.RedirectURIs) == 0 {
		return nil, errors.New("devidp: at least one redirect URI is required")
	}
	identities := cfg.Identities
	if identities == nil {
		identities = Identities()
	}
	if err := checkIdentities(identities); err != nil {
		return nil, err
	}
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}

	c := &client{
		id:                 cfg.ClientID,
		secret:             cfg.ClientSecret,
		redirectURIs:       slices.Clone(cfg.RedirectURIs),
		postLogoutRedirect: slices.Clone(cfg.PostLogoutRedirectURIs),
		loginURL:           issuer + pathLogin,
	}
	store, err := newStorage(c, identities)
	if err != nil {
		return nil, err
	}

	// The key encrypts codes and opaque access tokens. A fresh one per process means a restart
	// invalidates everything outstanding, which is what a developer expects.
	var cryptoKey [32]byte
	if _, err := rand.Read(cryptoKey[:]); err != nil {
		return nil, fmt.Errorf("devidp: generate crypto key: %w", err)
	}
	opCfg := &op.Config{
		CryptoKey:                cryptoKey,
		CryptoKeyId:              "devidp",
		DefaultLogoutRedirectURI: pathLoggedOut,
		CodeMethodS256:           true,
		AuthMethodPost:           true,
		SupportedUILocales:       []language.Tag{language.Ukrainian},
		SupportedScopes: []string{
			oidc.ScopeOpenID, oidc.ScopeProfile, oidc.ScopeEmail, oidc.ScopePhone, oidc.ScopeAddress,
		},
		SupportedClaims: append(slices.Clone(op.DefaultSupportedClaims),
			"drfocode", "lastname", "givenname", "middlename", "phone", "address", "auth_type"),
	}
	provider, err := op.NewProvider(opCfg, store, op.StaticIssuer(issuer), op.WithAllowInsecure())
	if err != nil {
		return nil, fmt.Errorf("devidp: %w", err)
	}

	p := &Provider{issuer: issuer, identities: slices.Clone(identities), op: provider, store: store, pages: pages}
	withIssuer := op.NewIssuerInterceptor(provider.IssuerFromRequest)
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+pathLogin, p.showPicker)
	// Browsers send Sec-Fetch-Site / Origin; a cross-site POST is refused before it can complete
	// someone's sign-in. The unguessable authRequestID is the second line of defence.
	mux.Handle("POST "+pathLogin, http.NewCrossOriginProtection().Handler(withIssuer.HandlerFunc(p.pick)))
	mux.Handle(provider.EndSessionEndpoint().Relative(), withIssuer.HandlerFunc(p.endSession))
	mux.HandleFunc("GET "+pathLoggedOut, p.showLoggedOut)
	mux.Handle("/", provider)
	p.handler = mux
	return p, nil
}

func (p *Provider) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.handler.ServeHTTP(w, r)
}

// checkIssuer normalises the issuer: go-oidc compares it byte for byte with discovery, and the
// picker's absolute paths assume the provider sits at the root of its host.
func checkIssuer(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("devidp: issuer must be an absolute http(s) URL, got %q", raw)
	}
	if strings.Trim(u.Path, "/") != "" || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("devidp: issuer must have no path, query or fragment, got %q", raw)
	}
	return u.Scheme + "://" + u.Host, nil
}

func checkIdentities(ids []Identity) error {
	if len(ids) == 0 {
		return errors.New("devidp: no identities to offer")
	}
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		switch {
		case id.Subject == "":
			return fmt.Errorf("devidp: identity %q has no subject", id.FullName())
		// op's opaque access token is "tokenID:subject", so a colon would break userinfo.
		case strings.Contains(id.Subject, ":"):
			return fmt.Errorf("devidp: subject %q must not contain ':'", id.Subject)
		case seen[id.Subject]:
			return fmt.Errorf("devidp: duplicate subject %q", id.Subject)
		}
		seen[id.Subject] = true
	}
	return nil
}

// client is the one confidential web client. It authenticates with client_secret_basic; op also
// takes client_secret_post for any secret-based client once Config.AuthMethodPost is set.
type client struct {
	id, secret         string
	redirectURIs       []string
	postLogoutRedirect []string
	loginURL           string
}

func (c *client) GetID() string                       { return c.id }
func (c *client) RedirectURIs() []string              { return c.redirectURIs }
func (c *client) PostLogoutRedirectURIs() []string    { return c.postLogoutRedirect }
func (c *client) ApplicationType() op.ApplicationType { return op.ApplicationTypeWeb }
func (c *client) AuthMethod() oidc.AuthMethod         { return oidc.AuthMethodBasic }
func (c *client) ResponseTypes() []oidc.ResponseType {
	return []oidc.ResponseType{oidc.ResponseTypeCode}
}
func (c *client) GrantTypes() []oidc.GrantType        { return []oidc.GrantType{oidc.GrantTypeCode} }
func (c *client) AccessTokenType() op.AccessTokenType { return op.AccessTokenTypeBearer }
func (c *client) IDTokenLifetime() time.Duration      { return idTokenLifetime }
func (c *client) IsScopeAllowed(string) bool          { return false }
func (c *client) ClockSkew() time.Duration            { return 0 }
func (c *client) LoginURL(authRequestID string) string {
	return c.loginURL + "?authRequestID=" + url.QueryEscape(authRequestID)
}
func (c *client) RestrictAdditionalIdTokenScopes() func([]string) []string     { return keepScopes }
func (c *client) RestrictAdditionalAccessTokenScopes() func([]string) []string { return keepScopes }

// DevMode relaxes op's redirect URI rules (plain http, non-loopback hosts) for local setups.
func (c *client) DevMode() bool { return true }

// IDTokenUserinfoClaimsAssertion puts the profile claims into the ID token even though an access
// token is issued too, so a relying party that reads only the ID token still sees the Diia-style
// claims; without it op would leave them for userinfo only.
func (c *client) IDTokenUserinfoClaimsAssertion() bool { return true }

func keepScopes(scopes []string) []string { return scopes }

// authCallbackURL is where the picker hands the finished request back to op.
func (p *Provider) authCallbackURL(ctx context.Context, authRequestID string) string {
	return op.AuthCallbackURL(p.op)(ctx, authRequestID)
}
