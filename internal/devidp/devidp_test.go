package devidp

import (
	"context"
	"crypto/rand"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

const (
	testClientID     = "hromada"
	testClientSecret = "test-secret"
	testRedirect     = "http://localhost:8080/auth/callback"
	testPostLogout   = "http://localhost:8080/"
)

type env struct {
	issuer   string
	idp      *Provider
	provider *oidc.Provider
	oauth    oauth2.Config
	browser  *http.Client // never follows redirects, so every hop can be inspected
}

// newEnv starts the provider the way the server does: listener first, issuer from its address.
func newEnv(t *testing.T) *env {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	issuer := "http://" + srv.Listener.Addr().String()
	idp, err := New(Config{
		Issuer:                 issuer,
		ClientID:               testClientID,
		ClientSecret:           testClientSecret,
		RedirectURIs:           []string{testRedirect},
		PostLogoutRedirectURIs: []string{testPostLogout},
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	srv.Config.Handler = idp
	srv.Start()
	t.Cleanup(srv.Close)

	provider, err := oidc.NewProvider(t.Context(), issuer)
	if err != nil {
		t.Fatalf("discovery: %v", err)
	}
	return &env{
		issuer:   issuer,
		idp:      idp,
		provider: provider,
		oauth: oauth2.Config{
			ClientID:     testClientID,
			ClientSecret: testClientSecret,
			Endpoint:     provider.Endpoint(),
			RedirectURL:  testRedirect,
			Scopes:       []string{oidc.ScopeOpenID, "profile", "email", "phone", "address"},
		},
		browser: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}},
	}
}

type signIn struct {
	code, state, nonce, verifier string
	pickerHTML                   string
}

// signInAs drives the browser side of the code flow up to the redirect back to the client.
func (e *env) signInAs(t *testing.T, subject string) signIn {
	t.Helper()
	s := signIn{state: rand.Text(), nonce: rand.Text(), verifier: oauth2.GenerateVerifier()}
	authURL := e.oauth.AuthCodeURL(s.state, oidc.Nonce(s.nonce), oauth2.S256ChallengeOption(s.verifier))

	loc := e.expectRedirect(t, e.get(t, authURL), http.StatusFound)
	if !strings.HasPrefix(loc, e.issuer+"/login?") {
		t.Fatalf("authorize redirected to %q, want the picker", loc)
	}
	pickerURL, err := url.Parse(loc)
	if err != nil {
		t.Fatal(err)
	}
	requestID := pickerURL.Query().Get("authRequestID")

	resp := e.get(t, loc)
	body := readBody(t, resp)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("picker: status %d: %s", resp.StatusCode, body)
	}
	s.pickerHTML = body

	resp, err = e.browser.PostForm(e.issuer+"/login", url.Values{"authRequestID": {requestID}, "sub": {subject}})
	if err != nil {
		t.Fatal(err)
	}
	loc = e.expectRedirect(t, resp, http.StatusSeeOther)

	// op's callback turns the completed request into a code for the client.
	loc = e.expectRedirect(t, e.get(t, loc), http.StatusFound)
	back, err := url.Parse(loc)
	if err != nil {
		t.Fatal(err)
	}
	if got := back.Scheme + "://" + back.Host + back.Path; got != testRedirect {
		t.Fatalf("redirected to %q, want %q", got, testRedirect)
	}
	if back.Query().Get("state") != s.state {
		t.Fatalf("state = %q, want %q", back.Query().Get("state"), s.state)
	}
	s.code = back.Query().Get("code")
	if s.code == "" {
		t.Fatalf("no code in %q", loc)
	}
	return s
}

func (e *env) get(t *testing.T, u string) *http.Response {
	t.Helper()
	resp, err := e.browser.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	return resp
}

func (e *env) expectRedirect(t *testing.T, resp *http.Response, status int) string {
	t.Helper()
	body := readBody(t, resp)
	if resp.StatusCode != status {
		t.Fatalf("%s: status %d, want %d: %s", resp.Request.URL, resp.StatusCode, status, body)
	}
	loc, err := resp.Location()
	if err != nil {
		t.Fatalf("%s: %v", resp.Request.URL, err)
	}
	return loc.String()
}

func readBody(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func (e *env) exchange(ctx context.Context, code, verifier string) (*oauth2.Token, error) {
	return e.oauth.Exchange(ctx, code, oauth2.VerifierOption(verifier))
}

type diiaClaims struct {
	Subject       string `json:"sub"`
	Name          string `json:"name"`
	DRFOCode      string `json:"drfocode"`
	LastName      string `json:"lastname"`
	GivenName     string `json:"givenname"`
	MiddleName    string `json:"middlename"`
	Email         string `json:"email"`
	EmailVerified bool   `json:"email_verified"`
	Phone         string `json:"phone"`
	Address       string `json:"address"`
	AuthType      string `json:"auth_type"`
}

func wantClaims(id Identity) diiaClaims {
	return diiaClaims{
		Subject: id.Subject, Name: id.FullName(), DRFOCode: id.TaxID,
		LastName: id.LastName, GivenName: id.GivenName, MiddleName: id.MiddleName,
		Email: id.Email, EmailVerified: true, Phone: id.Phone, Address: id.Address, AuthType: id.AuthType,
	}
}

func requireGrantError(t *testing.T, err error, code string) {
	t.Helper()
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		t.Fatalf("got %v, want an OAuth error %q", err, code)
	}
	if re.ErrorCode != code {
		t.Fatalf("error code %q (%s), want %q", re.ErrorCode, re.ErrorDescription, code)
	}
}

func TestCodeFlowWithPKCEAndNonce(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	person := Identities()[3] // the one with apostrophes

	s := e.signInAs(t, person.Subject)
	for _, want := range []string{`<html lang="uk">`, "<h1>", "Шевченко Олена Петрівна", "Дем&#39;яненко Мар&#39;яна Олегівна", "staff: registrar", "BankID"} {
		if !strings.Contains(s.pickerHTML, want) {
			t.Errorf("picker page lacks %q", want)
		}
	}
	if strings.Contains(strings.ToLower(s.pickerHTML), "<script") {
		t.Error("picker page contains a script")
	}

	tok, err := e.exchange(ctx, s.code, s.verifier)
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	rawID, ok := tok.Extra("id_token").(string)
	if !ok {
		t.Fatal("no id_token in token response")
	}
	idToken, err := e.provider.Verifier(&oidc.Config{ClientID: testClientID}).Verify(ctx, rawID)
	if err != nil {
		t.Fatalf("verify ID token: %v", err)
	}
	if idToken.Nonce != s.nonce {
		t.Errorf("nonce = %q, want %q", idToken.Nonce, s.nonce)
	}
	var fromID diiaClaims
	if err := idToken.Claims(&fromID); err != nil {
		t.Fatal(err)
	}
	if want := wantClaims(person); fromID != want {
		t.Errorf("ID token claims\n got %+v\nwant %+v", fromID, want)
	}
	var times struct {
		AuthTime int64 `json:"auth_time"`
	}
	if err := idToken.Claims(&times); err != nil {
		t.Fatal(err)
	}
	if since := time.Since(time.Unix(times.AuthTime, 0)); since < -time.Minute || since > time.Minute {
		t.Errorf("auth_time %d is not about now", times.AuthTime)
	}

	info, err := e.provider.UserInfo(ctx, oauth2.StaticTokenSource(tok))
	if err != nil {
		t.Fatalf("userinfo: %v", err)
	}
	var fromInfo diiaClaims
	if err := info.Claims(&fromInfo); err != nil {
		t.Fatal(err)
	}
	if fromInfo != fromID {
		t.Errorf("userinfo claims\n got %+v\nwant %+v", fromInfo, fromID)
	}
}

func TestClientSecretPost(t *testing.T) {
	e := newEnv(t)
	e.oauth.Endpoint.AuthStyle = oauth2.AuthStyleInParams
	s := e.signInAs(t, Identities()[0].Subject)
	if _, err := e.exchange(t.Context(), s.code, s.verifier); err != nil {
		t.Fatalf("exchange with client_secret_post: %v", err)
	}
}

func TestWrongClientSecret(t *testing.T) {
	e := newEnv(t)
	e.oauth.ClientSecret = "wrong"
	e.oauth.Endpoint.AuthStyle = oauth2.AuthStyleInHeader
	s := e.signInAs(t, Identities()[0].Subject)
	_, err := e.exchange(t.Context(), s.code, s.verifier)
	requireGrantError(t, err, "invalid_client")
}

func TestCodeIsSingleUse(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	s := e.signInAs(t, Identities()[1].Subject)
	tok, err := e.exchange(ctx, s.code, s.verifier)
	if err != nil {
		t.Fatalf("first exchange: %v", err)
	}
	_, err = e.exchange(ctx, s.code, s.verifier)
	requireGrantError(t, err, "invalid_grant")
	// The replay also withdraws the access token the code bought.
	if _, err := e.provider.UserInfo(ctx, oauth2.StaticTokenSource(tok)); err == nil {
		t.Error("access token still valid after the code was replayed")
	}
}

func TestConcurrentExchangeHasOneWinner(t *testing.T) {
	e := newEnv(t)
	s := e.signInAs(t, Identities()[2].Subject)
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() { _, errs[i] = e.exchange(t.Context(), s.code, s.verifier) })
	}
	wg.Wait()
	wins := 0
	for _, err := range errs {
		if err == nil {
			wins++
		}
	}
	if wins != 1 {
		t.Fatalf("%d of %d concurrent exchanges succeeded, want 1 (%v)", wins, n, errs)
	}
}

func TestWrongPKCEVerifier(t *testing.T) {
	e := newEnv(t)
	s := e.signInAs(t, Identities()[0].Subject)
	_, err := e.exchange(t.Context(), s.code, oauth2.GenerateVerifier())
	requireGrantError(t, err, "invalid_grant")
}

func TestExpiredCode(t *testing.T) {
	e := newEnv(t)
	s := e.signInAs(t, Identities()[0].Subject)
	// No request is in flight, so the clock can be swapped without the lock.
	e.idp.store.now = func() time.Time { return time.Now().Add(codeLifetime + time.Second) }
	_, err := e.exchange(t.Context(), s.code, s.verifier)
	requireGrantError(t, err, "invalid_grant")
}

func TestPlainPKCERefused(t *testing.T) {
	e := newEnv(t)
	authURL := e.oauth.AuthCodeURL("st", oauth2.SetAuthURLParam("code_challenge", oauth2.GenerateVerifier()),
		oauth2.SetAuthURLParam("code_challenge_method", "plain"))
	loc := e.expectRedirect(t, e.get(t, authURL), http.StatusFound)
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatal(err)
	}
	if got := u.Query().Get("error"); got != "invalid_request" {
		t.Fatalf("redirected to %q, want error=invalid_request", loc)
	}
}

func TestPickerRefusals(t *testing.T) {
	e := newEnv(t)

	resp := e.get(t, e.issuer+"/login?authRequestID=nope")
	if body := readBody(t, resp); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `lang="uk"`) {
		t.Errorf("unknown authRequestID: status %d, body %q", resp.StatusCode, body)
	}

	resp, err := e.browser.PostForm(e.issuer+"/login", url.Values{"authRequestID": {"nope"}, "sub": {Identities()[0].Subject}})
	if err != nil {
		t.Fatal(err)
	}
	if readBody(t, resp); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("POST with unknown authRequestID: status %d", resp.StatusCode)
	}

	loc := e.expectRedirect(t, e.get(t, e.oauth.AuthCodeURL("st")), http.StatusFound)
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"authRequestID": {u.Query().Get("authRequestID")}, "sub": {Identities()[0].Subject}}
	req, err := http.NewRequest(http.MethodPost, e.issuer+"/login", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Origin", "https://evil.example")
	resp, err = e.browser.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if readBody(t, resp); resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST: status %d, want 403", resp.StatusCode)
	}

	form.Set("sub", "no-such-person")
	resp, err = e.browser.PostForm(e.issuer+"/login", form)
	if err != nil {
		t.Fatal(err)
	}
	if readBody(t, resp); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown subject: status %d", resp.StatusCode)
	}

	// Cancel sends the browser back to the client with access_denied and its state.
	form = url.Values{"authRequestID": {u.Query().Get("authRequestID")}, "cancel": {"1"}}
	resp, err = e.browser.PostForm(e.issuer+"/login", form)
	if err != nil {
		t.Fatal(err)
	}
	back, err := url.Parse(e.expectRedirect(t, resp, http.StatusFound))
	if err != nil {
		t.Fatal(err)
	}
	if back.Query().Get("error") != "access_denied" || back.Query().Get("state") != "st" {
		t.Errorf("cancel redirected to %q", back)
	}
}

func TestCheckEnvironment(t *testing.T) {
	for _, env := range []string{"production", "Production "} {
		err := CheckEnvironment(env)
		if err == nil || !strings.Contains(err.Error(), "must not run in production") {
			t.Errorf("CheckEnvironment(%q) = %v, want the production refusal", env, err)
		}
	}
	for _, env := range []string{"development", ""} {
		if err := CheckEnvironment(env); err != nil {
			t.Errorf("CheckEnvironment(%q) = %v", env, err)
		}
	}
}

func TestEndSession(t *testing.T) {
	e := newEnv(t)
	s := e.signInAs(t, Identities()[4].Subject)
	tok, err := e.exchange(t.Context(), s.code, s.verifier)
	if err != nil {
		t.Fatal(err)
	}
	idToken, _ := tok.Extra("id_token").(string)
	var meta struct {
		EndSession string `json:"end_session_endpoint"`
	}
	if err := e.provider.Claims(&meta); err != nil {
		t.Fatal(err)
	}
	if meta.EndSession != e.issuer+"/end_session" {
		t.Fatalf("end_session_endpoint = %q", meta.EndSession)
	}
	endSession := meta.EndSession + "?"

	loc := e.expectRedirect(t, e.get(t, endSession+url.Values{
		"id_token_hint": {idToken}, "post_logout_redirect_uri": {testPostLogout}, "state": {"bye"},
	}.Encode()), http.StatusFound)
	if want := testPostLogout + "?state=bye"; loc != want {
		t.Errorf("end_session redirected to %q, want %q", loc, want)
	}

	resp := e.get(t, endSession+url.Values{
		"id_token_hint": {idToken}, "post_logout_redirect_uri": {"https://evil.example/"},
	}.Encode())
	if body := readBody(t, resp); resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" {
		t.Errorf("unregistered post_logout_redirect_uri: status %d, Location %q: %s", resp.StatusCode, resp.Header.Get("Location"), body)
	}

	// Ending the session withdrew the access token.
	if _, err := e.provider.UserInfo(t.Context(), oauth2.StaticTokenSource(tok)); err == nil {
		t.Error("access token still valid after end_session")
	}

	// Without a hint or client_id there is no client to check a redirect URI against.
	resp = e.get(t, endSession+url.Values{"post_logout_redirect_uri": {testPostLogout}}.Encode())
	if readBody(t, resp); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("post_logout_redirect_uri without hint: status %d, want 400", resp.StatusCode)
	}

	// Without a hint the provider cannot know the client, so it shows its own page.
	loc = e.expectRedirect(t, e.get(t, endSession), http.StatusFound)
	if loc != "/logged-out" && loc != e.issuer+"/logged-out" {
		t.Errorf("end_session without hint redirected to %q", loc)
	}
	resp = e.get(t, e.issuer+"/logged-out")
	if body := readBody(t, resp); resp.StatusCode != http.StatusOK || !strings.Contains(body, `lang="uk"`) {
		t.Errorf("logged-out page: status %d", resp.StatusCode)
	}
}

func TestIdentities(t *testing.T) {
	weights := []int{-1, 5, 7, 9, 4, 6, 10, 5, 7}
	citizens, staff := 0, map[string]bool{}
	for _, id := range Identities() {
		if len(id.TaxID) != 10 {
			t.Errorf("%s: drfocode %q is not 10 digits", id.Subject, id.TaxID)
			continue
		}
		sum := 0
		for i, w := range weights {
			sum += int(id.TaxID[i]-'0') * w
		}
		if want := byte('0' + sum%11%10); id.TaxID[9] != want {
			t.Errorf("%s: drfocode %q fails the РНОКПП checksum", id.Subject, id.TaxID)
		}
		if id.Note == "citizen" {
			citizens++
			if !strings.Contains(id.Address, "м. Зразкове") {
				t.Errorf("%s: address %q is not in м. Зразкове", id.Subject, id.Address)
			}
		} else if role, ok := strings.CutPrefix(id.Note, "staff: "); ok {
			staff[role] = true
		}
	}
	if citizens < 3 {
		t.Errorf("%d citizens, want at least 3", citizens)
	}
	for _, role := range []string{"registrar", "executor", "head", "admin"} {
		if !staff[role] {
			t.Errorf("no staff identity for %s", role)
		}
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	good := Config{Issuer: "http://localhost:8081", ClientID: "c", ClientSecret: "s", RedirectURIs: []string{testRedirect}}
	for name, mutate := range map[string]func(*Config){
		"no issuer":        func(c *Config) { c.Issuer = "" },
		"issuer with path": func(c *Config) { c.Issuer = "http://localhost:8081/idp" },
		"no secret":        func(c *Config) { c.ClientSecret = "" },
		"no redirect":      func(c *Config) { c.RedirectURIs = nil },
		"colon subject":    func(c *Config) { c.Identities = []Identity{{Subject: "a:b"}} },
	} {
		cfg := good
		mutate(&cfg)
		if _, err := New(cfg); err == nil {
			t.Errorf("%s: New succeeded", name)
		}
	}
}
