package devidp

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/subtle"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

const (
	authRequestLifetime = 10 * time.Minute
	codeLifetime        = 60 * time.Second
	accessTokenLifetime = 15 * time.Minute
	idTokenLifetime     = time.Hour
	// maxPending bounds memory if something hammers /authorize; a developer never gets near it.
	maxPending = 10000
)

// storage is the in-memory op.Storage of the provider. Every map is guarded by mu: op calls in
// from concurrent HTTP handlers, and the picker completes requests while op may be reading them.
type storage struct {
	client     *client
	identities map[string]Identity
	key        signingKey
	now        func() time.Time // replaced in tests to expire codes without sleeping

	mu           sync.Mutex
	authRequests map[string]*authRequest
	codes        map[string]codeEntry
	spentCodes   map[string]codeEntry // redeemed codes, kept until expiry to detect replays
	tokens       map[string]*accessToken
}

type codeEntry struct {
	requestID string
	expires   time.Time
}

type accessToken struct {
	id, subject, clientID, requestID string
	audience, scopes                 []string
	expires                          time.Time
}

func newStorage(c *client, identities []Identity) (*storage, error) {
	pk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("devidp: generate signing key: %w", err)
	}
	byID := make(map[string]Identity, len(identities))
	for _, id := range identities {
		byID[id.Subject] = id
	}
	return &storage{
		client:       c,
		identities:   byID,
		key:          signingKey{id: "devidp-" + rand.Text()[:12], key: pk},
		now:          time.Now,
		authRequests: make(map[string]*authRequest),
		codes:        make(map[string]codeEntry),
		spentCodes:   make(map[string]codeEntry),
		tokens:       make(map[string]*accessToken),
	}, nil
}

// pruneLocked drops everything expired; called on writes so no background goroutine is needed.
func (s *storage) pruneLocked(now time.Time) {
	for id, r := range s.authRequests {
		if now.After(r.expires) {
			delete(s.authRequests, id)
		}
	}
	for _, m := range []map[string]codeEntry{s.codes, s.spentCodes} {
		for c, e := range m {
			if now.After(e.expires) {
				delete(m, c)
			}
		}
	}
	for id, t := range s.tokens {
		if now.After(t.expires) {
			delete(s.tokens, id)
		}
	}
}

// liveRequestLocked returns the stored request itself (not a copy), or nil when unknown or expired.
func (s *storage) liveRequestLocked(id string) *authRequest {
	r, ok := s.authRequests[id]
	if !ok || s.now().After(r.expires) {
		return nil
	}
	return r
}

// CreateAuthRequest is called by op after it validated client, redirect URI, scopes and response type.
func (s *storage) CreateAuthRequest(_ context.Context, req *oidc.AuthRequest, _ string) (op.AuthRequest, error) {
	if slices.Contains(req.Prompt, oidc.PromptNone) {
		// The picker is the only way to sign in, so a silent sign-in can never succeed.
		return nil, oidc.ErrLoginRequired()
	}
	var challenge *oidc.CodeChallenge
	if req.CodeChallenge != "" {
		// op would also accept "plain" (and a missing method means plain); Diia-style clients
		// must use S256, so refuse plain here rather than let a weak client pass in development.
		if req.CodeChallengeMethod != oidc.CodeChallengeMethodS256 {
			return nil, oidc.ErrInvalidRequest().WithDescription("code_challenge_method must be S256")
		}
		challenge = &oidc.CodeChallenge{Challenge: req.CodeChallenge, Method: req.CodeChallengeMethod}
	}
	now := s.now()
	r := &authRequest{
		// rand.Text has 128+ bits: the id is the only thing tying the picker POST to this request.
		id:            rand.Text(),
		expires:       now.Add(authRequestLifetime),
		clientID:      req.ClientID,
		redirectURI:   req.RedirectURI,
		state:         req.State,
		nonce:         req.Nonce,
		scopes:        slices.Clone(req.Scopes),
		responseType:  req.ResponseType,
		responseMode:  req.ResponseMode,
		codeChallenge: challenge,
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pruneLocked(now)
	if len(s.authRequests) >= maxPending {
		return nil, oidc.ErrServerError().WithDescription("too many pending sign-ins")
	}
	s.authRequests[r.id] = r
	return r.snapshot(), nil
}

// AuthRequestByID returns a copy so op never reads fields the picker is writing.
func (s *storage) AuthRequestByID(_ context.Context, id string) (op.AuthRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.liveRequestLocked(id)
	if r == nil {
		return nil, errors.New("auth request not found or expired")
	}
	return r.snapshot(), nil
}

// AuthRequestByCode consumes the code: the lookup and the removal happen under one lock, so two
// concurrent token requests with the same code cannot both succeed. A failed exchange (wrong PKCE
// verifier, wrong client) therefore burns the code too, which RFC 6749 permits.
func (s *storage) AuthRequestByCode(_ context.Context, code string) (op.AuthRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	e, ok := s.codes[code]
	if !ok {
		if spent, replay := s.spentCodes[code]; replay {
			// RFC 6749 §4.1.2: a replayed code suggests theft, so withdraw what it bought.
			for id, t := range s.tokens {
				if t.requestID == spent.requestID {
					delete(s.tokens, id)
				}
			}
			return nil, errors.New("code already used")
		}
		return nil, errors.New("code not found")
	}
	delete(s.codes, code)
	s.spentCodes[code] = codeEntry{requestID: e.requestID, expires: now.Add(authRequestLifetime)}
	if now.After(e.expires) {
		return nil, errors.New("code expired")
	}
	r := s.liveRequestLocked(e.requestID)
	if r == nil || !r.done || r.redeemed {
		return nil, errors.New("auth request not found or expired")
	}
	r.redeemed = true
	return r.snapshot(), nil
}

// SaveAuthCode allows one code per request, so revisiting the callback URL cannot mint more.
func (s *storage) SaveAuthCode(_ context.Context, id, code string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.liveRequestLocked(id)
	if r == nil || !r.done {
		return oidc.ErrInvalidRequest().WithDescription("auth request unknown or not completed")
	}
	if r.codeIssued {
		return oidc.ErrInvalidRequest().WithDescription("a code was already issued for this sign-in")
	}
	r.codeIssued = true
	s.codes[code] = codeEntry{requestID: id, expires: s.now().Add(codeLifetime)}
	return nil
}

func (s *storage) DeleteAuthRequest(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.authRequests, id)
	for c, e := range s.codes {
		if e.requestID == id {
			delete(s.codes, c)
		}
	}
	return nil
}

// completeAuthRequest is the picker's hand-over: it records who signed in, after which op's
// callback endpoint (/authorize/callback?id=...) will issue the code.
func (s *storage) completeAuthRequest(id, subject string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.liveRequestLocked(id)
	if r == nil {
		return errors.New("auth request not found or expired")
	}
	if _, ok := s.identities[subject]; !ok {
		return fmt.Errorf("identity %q not found", subject)
	}
	if r.done {
		return errors.New("auth request already completed")
	}
	r.subject = subject
	r.authTime = s.now()
	r.done = true
	return nil
}

// removeAuthRequest takes a request out of storage and returns it, for the picker's cancel button.
func (s *storage) removeAuthRequest(id string) (*authRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.liveRequestLocked(id)
	if r == nil || r.done {
		return nil, errors.New("auth request not found or expired")
	}
	delete(s.authRequests, id)
	return r.snapshot(), nil
}

func (s *storage) CreateAccessToken(_ context.Context, req op.TokenRequest) (string, time.Time, error) {
	t := &accessToken{
		id:       rand.Text(),
		subject:  req.GetSubject(),
		audience: slices.Clone(req.GetAudience()),
		scopes:   slices.Clone(req.GetScopes()),
		expires:  s.now().Add(accessTokenLifetime),
	}
	if ar, ok := req.(*authRequest); ok {
		t.clientID, t.requestID = ar.clientID, ar.id
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pruneLocked(s.now())
	s.tokens[t.id] = t
	return t.id, t.expires, nil
}

// noRefresh is a function rather than a sentinel variable: the package keeps no globals.
func noRefresh() error {
	return errors.New("refresh tokens are not supported by the development provider")
}

func (s *storage) CreateAccessAndRefreshTokens(context.Context, op.TokenRequest, string) (string, string, time.Time, error) {
	return "", "", time.Time{}, noRefresh()
}

func (s *storage) TokenRequestByRefreshToken(context.Context, string) (op.RefreshTokenRequest, error) {
	return nil, noRefresh()
}

func (s *storage) GetRefreshTokenInfo(context.Context, string, string) (string, string, error) {
	return "", "", op.ErrInvalidRefreshToken
}

func (s *storage) TerminateSession(_ context.Context, userID, clientID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, t := range s.tokens {
		if t.subject == userID && t.clientID == clientID {
			delete(s.tokens, id)
		}
	}
	return nil
}

func (s *storage) RevokeToken(_ context.Context, tokenOrTokenID, _, clientID string) *oidc.Error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tokens[tokenOrTokenID]
	if !ok {
		return nil // RFC 7009: revoking an unknown token is a success
	}
	if t.clientID != clientID {
		return oidc.ErrInvalidClient().WithDescription("token was not issued to this client")
	}
	delete(s.tokens, tokenOrTokenID)
	return nil
}

func (s *storage) SigningKey(context.Context) (op.SigningKey, error) { return &s.key, nil }

func (s *storage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.RS256}, nil
}

func (s *storage) KeySet(context.Context) ([]op.Key, error) {
	return []op.Key{&publicKey{s.key}}, nil
}

func (s *storage) GetClientByClientID(_ context.Context, clientID string) (op.Client, error) {
	if clientID != s.client.id {
		return nil, fmt.Errorf("client %q not found", clientID)
	}
	return s.client, nil
}

func (s *storage) AuthorizeClientIDSecret(_ context.Context, clientID, clientSecret string) error {
	idOK := subtle.ConstantTimeCompare([]byte(clientID), []byte(s.client.id))
	secretOK := subtle.ConstantTimeCompare([]byte(clientSecret), []byte(s.client.secret))
	if idOK&secretOK != 1 {
		return errors.New("wrong client id or secret")
	}
	return nil
}

// SetUserinfoFromScopes is deprecated in op in favour of SetUserinfoFromRequest, which op calls
// right after it with the same data; filling the claims twice would gain nothing.
func (s *storage) SetUserinfoFromScopes(context.Context, *oidc.UserInfo, string, string, []string) error {
	return nil
}

// SetUserinfoFromRequest fills the ID token's claims.
func (s *storage) SetUserinfoFromRequest(_ context.Context, info *oidc.UserInfo, req op.IDTokenRequest, _ []string) error {
	return s.fillUserinfo(info, req.GetSubject())
}

func (s *storage) SetUserinfoFromToken(_ context.Context, info *oidc.UserInfo, tokenID, subject, _ string) error {
	s.mu.Lock()
	t, ok := s.tokens[tokenID]
	live := ok && !s.now().After(t.expires) && t.subject == subject
	s.mu.Unlock()
	if !live {
		return errors.New("access token invalid or expired")
	}
	return s.fillUserinfo(info, subject)
}

func (s *storage) SetIntrospectionFromToken(_ context.Context, resp *oidc.IntrospectionResponse, tokenID, subject, clientID string) error {
	s.mu.Lock()
	t, ok := s.tokens[tokenID]
	var tok accessToken
	live := ok && !s.now().After(t.expires) && t.subject == subject
	if live {
		tok = *t
	}
	s.mu.Unlock()
	if !live || !slices.Contains(tok.audience, clientID) {
		return errors.New("token inactive or not for this client")
	}
	info := new(oidc.UserInfo)
	if err := s.fillUserinfo(info, subject); err != nil {
		return err
	}
	resp.SetUserInfo(info)
	resp.Scope = tok.scopes
	resp.ClientID = tok.clientID
	resp.Expiration = oidc.FromTime(tok.expires)
	return nil
}

// fillUserinfo puts every claim in regardless of scope: id.gov.ua hands out the whole set it was
// configured for, and the portal must not come to depend on a scope nuance Diia does not have.
func (s *storage) fillUserinfo(info *oidc.UserInfo, subject string) error {
	id, ok := s.identities[subject] // never written after New, so no lock
	if !ok {
		return fmt.Errorf("identity %q not found", subject)
	}
	info.Subject = id.Subject // op copies sub from here into the ID token; leaving it empty blanks sub
	info.Name = id.FullName()
	info.FamilyName = id.LastName
	info.GivenName = id.GivenName
	info.Email = id.Email
	info.EmailVerified = oidc.Bool(id.Email != "" && !id.EmailUnverified)
	info.PhoneNumber = id.Phone
	// Diia sends address as a plain string, which collides with the standard address object;
	// the object stays nil, so the custom claim wins when op merges the two.
	for k, v := range map[string]string{
		"drfocode":   id.TaxID,
		"lastname":   id.LastName,
		"givenname":  id.GivenName,
		"middlename": id.MiddleName,
		"phone":      id.Phone,
		"address":    id.Address,
		"auth_type":  id.AuthType,
	} {
		info.AppendClaims(k, v)
	}
	if len(id.Roles) > 0 {
		info.AppendClaims("roles", id.Roles)
	}
	return nil
}

func (s *storage) GetPrivateClaimsFromScopes(context.Context, string, string, []string) (map[string]any, error) {
	return nil, nil
}

func (s *storage) GetKeyByIDAndClientID(context.Context, string, string) (*jose.JSONWebKey, error) {
	return nil, errors.New("JWT client authentication is not supported by the development provider")
}

func (s *storage) ValidateJWTProfileScopes(context.Context, string, []string) ([]string, error) {
	return nil, errors.New("JWT profile grant is not supported by the development provider")
}

func (s *storage) Health(context.Context) error { return nil }

// authRequest implements op.AuthRequest. Values handed to op are snapshots (see snapshot).
type authRequest struct {
	id            string
	expires       time.Time
	clientID      string
	redirectURI   string
	state         string
	nonce         string
	scopes        []string
	responseType  oidc.ResponseType
	responseMode  oidc.ResponseMode
	codeChallenge *oidc.CodeChallenge

	subject    string
	authTime   time.Time
	done       bool // an identity was picked
	codeIssued bool
	redeemed   bool // its code reached the token endpoint
}

// snapshot copies the mutable fields; scopes and the challenge are never modified after creation.
func (r *authRequest) snapshot() *authRequest {
	c := *r
	return &c
}

func (r *authRequest) GetID() string                         { return r.id }
func (r *authRequest) GetACR() string                        { return "" }
func (r *authRequest) GetAudience() []string                 { return []string{r.clientID} }
func (r *authRequest) GetAuthTime() time.Time                { return r.authTime }
func (r *authRequest) GetClientID() string                   { return r.clientID }
func (r *authRequest) GetCodeChallenge() *oidc.CodeChallenge { return r.codeChallenge }
func (r *authRequest) GetNonce() string                      { return r.nonce }
func (r *authRequest) GetRedirectURI() string                { return r.redirectURI }
func (r *authRequest) GetResponseType() oidc.ResponseType    { return r.responseType }
func (r *authRequest) GetResponseMode() oidc.ResponseMode    { return r.responseMode }
func (r *authRequest) GetScopes() []string                   { return r.scopes }
func (r *authRequest) GetState() string                      { return r.state }
func (r *authRequest) GetSubject() string                    { return r.subject }
func (r *authRequest) Done() bool                            { return r.done }

// GetAMR reports a custom method: no password or key was checked, and RFC 8176 allows
// values outside its registry. "pwd", as in op's example, would be a lie.
func (r *authRequest) GetAMR() []string {
	if r.done {
		return []string{"dev_picker"}
	}
	return nil
}

type signingKey struct {
	id  string
	key *rsa.PrivateKey
}

func (k *signingKey) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k *signingKey) Key() any                                    { return k.key }
func (k *signingKey) ID() string                                  { return k.id }

type publicKey struct{ signingKey }

func (k *publicKey) Algorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k *publicKey) Use() string                        { return "sig" }
func (k *publicKey) Key() any                           { return &k.key.PublicKey }
