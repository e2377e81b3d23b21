package identity

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/hromada/hromada/internal/config"
	"github.com/hromada/hromada/internal/errs"
)

// RelyingParty signs people in through any OpenID Connect provider: authorization code flow with PKCE,
// state and nonce, the ID token verified by go-oidc.
//
// Discovery happens on first use, not at start, so the portal serves its public pages while the
// provider is unreachable, and the built-in development provider may start after the portal.
type RelyingParty struct {
	cfg           config.OIDC
	redirectURL   string
	postLogoutURL string
	client        *http.Client

	mu         sync.Mutex
	provider   *oidc.Provider
	endSession string
}

// NewRelyingParty prepares a relying party; nothing is fetched yet.
func NewRelyingParty(cfg config.OIDC, redirectURL, postLogoutURL string) *RelyingParty {
	return &RelyingParty{
		cfg:           cfg,
		redirectURL:   redirectURL,
		postLogoutURL: postLogoutURL,
		client:        &http.Client{Timeout: 10 * time.Second},
	}
}

func (rp *RelyingParty) discover(ctx context.Context) (*oidc.Provider, error) {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	if rp.provider != nil {
		return rp.provider, nil
	}
	p, err := oidc.NewProvider(oidc.ClientContext(ctx, rp.client), rp.cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("OIDC discovery at %s: %w", rp.cfg.Issuer, err)
	}
	var extra struct {
		EndSession string `json:"end_session_endpoint"`
	}
	if err := p.Claims(&extra); err != nil {
		return nil, fmt.Errorf("OIDC discovery document: %w", err)
	}
	rp.provider, rp.endSession = p, extra.EndSession
	return p, nil
}

func (rp *RelyingParty) oauth(p *oidc.Provider) *oauth2.Config {
	return &oauth2.Config{
		ClientID:     rp.cfg.ClientID,
		ClientSecret: rp.cfg.ClientSecret,
		Endpoint:     p.Endpoint(),
		RedirectURL:  rp.redirectURL,
		Scopes:       rp.cfg.Scopes,
	}
}

// AuthRequest is what the caller keeps server-side between the redirect and the callback.
type AuthRequest struct {
	URL      string // where to send the browser
	State    string
	Nonce    string
	Verifier string // PKCE code verifier
}

// StartSignIn prepares a new authorization request with fresh state, nonce and PKCE verifier.
func (rp *RelyingParty) StartSignIn(ctx context.Context) (AuthRequest, error) {
	p, err := rp.discover(ctx)
	if err != nil {
		return AuthRequest{}, err
	}
	ar := AuthRequest{State: randomToken(), Nonce: randomToken(), Verifier: oauth2.GenerateVerifier()}
	ar.URL = rp.oauth(p).AuthCodeURL(ar.State, oidc.Nonce(ar.Nonce), oauth2.S256ChallengeOption(ar.Verifier))
	return ar, nil
}

// FinishSignIn exchanges the code, verifies the ID token and its nonce, and reads the claims from the
// ID token and the userinfo endpoint. The caller has already checked the state.
func (rp *RelyingParty) FinishSignIn(ctx context.Context, code string, ar AuthRequest) (Claims, error) {
	p, err := rp.discover(ctx)
	if err != nil {
		return Claims{}, err
	}
	ctx = oidc.ClientContext(ctx, rp.client)
	oc := rp.oauth(p)
	tok, err := oc.Exchange(ctx, code, oauth2.VerifierOption(ar.Verifier))
	if err != nil {
		return Claims{}, errs.New(errs.Invalid, "auth.error.exchange")
	}
	rawID, ok := tok.Extra("id_token").(string)
	if !ok || rawID == "" {
		return Claims{}, errs.New(errs.Invalid, "auth.error.no_id_token")
	}
	idt, err := p.Verifier(&oidc.Config{ClientID: rp.cfg.ClientID}).Verify(ctx, rawID)
	if err != nil {
		return Claims{}, errs.New(errs.Invalid, "auth.error.id_token")
	}
	if !equalSecret(idt.Nonce, ar.Nonce) {
		return Claims{}, errs.New(errs.Invalid, "auth.error.nonce")
	}
	all := map[string]any{}
	if err := idt.Claims(&all); err != nil {
		return Claims{}, fmt.Errorf("ID token claims: %w", err)
	}
	// Userinfo may carry what the ID token leaves out (many providers keep tokens small).
	if p.UserInfoEndpoint() != "" {
		ui, err := p.UserInfo(ctx, oauth2.StaticTokenSource(tok))
		if err != nil {
			return Claims{}, fmt.Errorf("userinfo: %w", err)
		}
		if ui.Subject != idt.Subject {
			return Claims{}, errs.New(errs.Invalid, "auth.error.id_token")
		}
		extra := map[string]any{}
		if err := ui.Claims(&extra); err != nil {
			return Claims{}, fmt.Errorf("userinfo claims: %w", err)
		}
		for k, v := range extra {
			if _, present := all[k]; !present {
				all[k] = v
			}
		}
	}
	c := mapClaims(rp.cfg.Claims, all)
	c.Issuer, c.Subject = idt.Issuer, idt.Subject
	return c, nil
}

// EndSessionURL is the provider's logout address, or "" when the provider has none. It names the client
// rather than passing an ID token hint, because Hromada does not keep ID tokens: they carry the tax
// number in clear.
func (rp *RelyingParty) EndSessionURL(ctx context.Context) string {
	if _, err := rp.discover(ctx); err != nil || rp.endSession == "" {
		return ""
	}
	u, err := url.Parse(rp.endSession)
	if err != nil {
		return ""
	}
	q := u.Query()
	q.Set("client_id", rp.cfg.ClientID)
	q.Set("post_logout_redirect_uri", rp.postLogoutURL)
	u.RawQuery = q.Encode()
	return u.String()
}

// Claims is what Hromada takes from the provider, after mapping the configured claim names.
type Claims struct {
	Issuer, Subject string
	TaxID           string // РНОКПП: hashed at once, never stored, logged or shown
	LastName        string
	GivenName       string
	MiddleName      string
	Email           string
	// EmailVerified is the provider's word that the e-mail is the person's (HROMADA_OIDC_CLAIM_EMAIL_VERIFIED).
	EmailVerified bool
	Phone         string
	Address       string
	AuthType      string
	// Roles are the staff roles the configured roles claim carries (known codes only, sorted); the
	// person's claim-granted roles are synced to them at sign-in. Empty when the claim is off or absent.
	Roles []string
	// IgnoredRoles are the codes the roles claim carried that are no Hromada role, for the caller to log.
	IgnoredRoles []string
}

func mapClaims(names config.ClaimNames, all map[string]any) Claims {
	roles, ignored := claimRoles(all, names.Roles)
	return Claims{
		Roles:         roles,
		IgnoredRoles:  ignored,
		TaxID:         claimString(all, names.TaxID),
		LastName:      claimString(all, names.LastName),
		GivenName:     claimString(all, names.GivenName),
		MiddleName:    claimString(all, names.MiddleName),
		Email:         claimString(all, names.Email),
		EmailVerified: claimBool(all, names.EmailVerified),
		Phone:         claimString(all, names.Phone),
		Address:       claimString(all, names.Address),
		AuthType:      claimString(all, names.AuthType),
	}
}

// claimString reads a claim as text; an OIDC address object gives its "formatted" member.
func claimString(all map[string]any, name string) string {
	switch v := all[name].(type) {
	case string:
		return strings.TrimSpace(v)
	case map[string]any:
		if f, ok := v["formatted"].(string); ok {
			return strings.TrimSpace(f)
		}
	case float64:
		return fmt.Sprintf("%.0f", v)
	}
	return ""
}

// claimBool reads a claim that is a JSON boolean or the string "true" or "false" (some providers send
// strings); anything else, or no claim, is false.
func claimBool(all map[string]any, name string) bool {
	switch v := all[name].(type) {
	case bool:
		return v
	case string:
		return strings.EqualFold(strings.TrimSpace(v), "true")
	}
	return false
}

func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
